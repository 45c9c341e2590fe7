package ui

import (
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
	"github.com/manifold-dev/manifold/ui/pages/staging"
)

// TestReadOnlyRefusesPushInTheTUI: with --readonly the header says so, P
// answers in the status line without opening the review, and nothing is
// written. With only the client read-only (a write path that forgot the
// UI check), the push still fails, saying readonly.
func TestReadOnlyRefusesPushInTheTUI(t *testing.T) {
	env := uitest.NewStagingEnv(t, pages())
	env.Image(t, env.Host+"/hello:amd64", v1.Platform{OS: "linux", Architecture: "amd64"})
	ro, err := registry.New(registry.Options{Keychain: authn.NewMultiKeychain(), ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	env.C.Reg = ro
	env.C.Opts.ReadOnly = true
	target := env.Host + "/hello:multi"
	env.Run(nil, staging.Add(env.C, env.Host+"/hello:amd64", nil, nil))
	p := env.Pages[0]
	p.SetSize(100, 30)
	p = env.Run(p, p.Init())
	sp := p.(*staging.Model)
	sp.SetInput(target)
	p = env.Key(p, "enter")
	before := len(env.Writes())
	p = env.Key(p, "P")
	if sp.DialogOpen() || !strings.Contains(env.LastStatus(), "readonly") {
		t.Fatalf("P under readonly: dialog open %v, status %q", sp.DialogOpen(), env.LastStatus())
	}
	m := &Model{c: env.C, stack: []common.Page{p}}
	m.c.Width, m.c.Height = 60, 20
	if h := m.header(); !strings.Contains(h, "readonly") {
		t.Fatalf("header %q does not say readonly", h)
	}

	env.C.Opts.ReadOnly = false // the client alone refuses
	p = env.Key(p, "P")
	if !sp.Reviewing() {
		t.Fatalf("no review: dialog open %v, status %q", sp.DialogOpen(), env.LastStatus())
	}
	env.Key(p, "y")
	if !strings.Contains(strings.Join(env.Status, "\n"), "readonly") {
		t.Fatalf("push through a read-only client: status %q", env.Status)
	}
	if w := env.Writes()[before:]; len(w) != 0 {
		t.Fatalf("writes reached the registry: %v", w)
	}
}
