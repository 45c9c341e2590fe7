package ui

import (
	"context"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/ui/common"
)

// The push confirmation pins the digest of the index it showed: when the
// list changed under the open confirmation (another manifold's edit picked
// up), y writes nothing and the review is shown again for the new bytes.
func TestStagingPushPinsTheReviewedDigest(t *testing.T) {
	env := newStagingEnv(t)
	env.image(t, env.host+"/a:amd64", v1.Platform{OS: "linux", Architecture: "amd64"})
	target := env.host + "/a:multi"
	tr, err := env.c.Reg.Tree(context.Background(), env.host+"/a:amd64", registry.TreeOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	es, _ := model.EntriesFromTree(env.host+"/a:amd64", tr, nil)
	env.store.Save(&model.StagedList{Name: target, Target: target, Entries: es})
	p := common.Page(newStagingPage(env.c))
	p.SetSize(100, 30)
	p = env.run(p, p.Init())
	sp := p.(*stagingPage)
	p = env.key(p, "P")
	if sp.dialog != dialogPushConfirm {
		t.Fatalf("no confirmation: %q", env.lastStatus())
	}
	reviewed := sp.review.plan.Digest
	before := len(env.writes())
	// The list changes under the confirmation.
	changed := sp.cur.Clone()
	changed.SetAnnotations(map[string]string{"org.opencontainers.image.title": "changed"})
	sp.setList(changed)
	p = env.key(p, "y")
	if w := env.writes(); len(w) != before {
		t.Fatalf("pushed bytes that were not reviewed: %v", w[before:])
	}
	if sp.dialog != dialogPushConfirm || sp.review.plan.Digest == reviewed || !strings.Contains(p.View(), "changed since you reviewed it") {
		t.Fatalf("not reviewed again (dialog %v):\n%s", sp.dialog, p.View())
	}
	// Confirming the new review pushes the new bytes.
	env.key(p, "y")
	if !strings.Contains(env.lastStatus(), "pushed") {
		t.Fatalf("status %q", env.lastStatus())
	}
	if h, err := env.c.Reg.Head(context.Background(), target); err != nil || h.Digest != sp.cur.Base {
		t.Fatalf("tag holds %v (%v), want %s", h, err, sp.cur.Base)
	}
}
