package ui

import (
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/ui/common"
)

// TestReadOnlyRefusesPushInTheTUI: with --readonly the header says so, P
// answers in the status line without opening the review, and nothing is
// written. With only the client read-only (a write path that forgot the
// UI check), the push still fails, saying readonly.
func TestReadOnlyRefusesPushInTheTUI(t *testing.T) {
	env := newStagingEnv(t)
	env.image(t, env.host+"/hello:amd64", v1.Platform{OS: "linux", Architecture: "amd64"})
	ro, err := registry.New(registry.Options{Keychain: authn.NewMultiKeychain(), ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	env.c.Reg = ro
	env.c.Opts.ReadOnly = true
	target := env.host + "/hello:multi"
	env.run(nil, stageAdd(env.c, env.host+"/hello:amd64", nil, nil))
	p := env.pages[0]
	p.SetSize(100, 30)
	p = env.run(p, p.Init())
	sp := p.(*stagingPage)
	sp.input.SetValue(target)
	p = env.key(p, "enter")
	before := len(env.writes())
	p = env.key(p, "P")
	if sp.dialog != dialogNone || !strings.Contains(env.lastStatus(), "readonly") {
		t.Fatalf("P under readonly: dialog %v, status %q", sp.dialog, env.lastStatus())
	}
	m := &Model{c: env.c, stack: []common.Page{p}}
	m.c.Width, m.c.Height = 60, 20
	if h := m.header(); !strings.Contains(h, "readonly") {
		t.Fatalf("header %q does not say readonly", h)
	}

	env.c.Opts.ReadOnly = false // the client alone refuses
	p = env.key(p, "P")
	if sp.dialog != dialogPushConfirm {
		t.Fatalf("no review: dialog %v, status %q", sp.dialog, env.lastStatus())
	}
	env.key(p, "y")
	if !strings.Contains(strings.Join(env.status, "\n"), "readonly") {
		t.Fatalf("push through a read-only client: status %q", env.status)
	}
	if w := env.writes()[before:]; len(w) != 0 {
		t.Fatalf("writes reached the registry: %v", w)
	}
}
