package staging

import (
	"context"
	"strings"
	"testing"

	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
)

// The push confirmation pins the digest of the index it showed: when the
// list changed under the open confirmation (another manifold's edit picked
// up), y writes nothing and the review is shown again for the new bytes.
func TestStagingPushPinsTheReviewedDigest(t *testing.T) {
	env := uitest.NewStagingEnv(t, testPages())
	l := oneImageList(t, env)
	target := l.Target
	env.Store.Save(l)
	p := common.Page(New(env.C))
	p.SetSize(100, 30)
	p = env.Run(p, p.Init())
	sp := p.(*Model)
	p = env.Key(p, "P")
	if sp.dialog != dialogPushConfirm {
		t.Fatalf("no confirmation: %q", env.LastStatus())
	}
	reviewed := sp.review.plan.Digest
	before := len(env.Writes())
	// The list changes under the confirmation.
	changed := sp.cur.Clone()
	changed.SetAnnotations(map[string]string{"org.opencontainers.image.title": "changed"})
	sp.SetList(changed)
	p = env.Key(p, "y")
	if w := env.Writes(); len(w) != before {
		t.Fatalf("pushed bytes that were not reviewed: %v", w[before:])
	}
	if sp.dialog != dialogPushConfirm || sp.review.plan.Digest == reviewed || !strings.Contains(p.View(), "changed since you reviewed it") {
		t.Fatalf("not reviewed again (dialog %v):\n%s", sp.dialog, p.View())
	}
	// Confirming the new review pushes the new bytes.
	env.Key(p, "y")
	if !strings.Contains(env.LastStatus(), "pushed") {
		t.Fatalf("status %q", env.LastStatus())
	}
	if h, err := env.C.Reg.Head(context.Background(), target); err != nil || h.Digest != sp.cur.Base {
		t.Fatalf("tag holds %v (%v), want %s", h, err, sp.cur.Base)
	}
}
