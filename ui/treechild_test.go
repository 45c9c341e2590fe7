package ui

import (
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"

	hostilereg "github.com/manifold-dev/manifold/internal/hostile"
	"github.com/manifold-dev/manifold/registry"
)

// An index of more children than a tree fetches at once: the tree says
// how many it left out, shows them from the index, and fetches one when
// it is opened (and only that one).
func TestTreeFetchesLeftOutChildOnDemand(t *testing.T) {
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	s := &hostilereg.Server{Children: 260, ChildSize: 2 << 10}
	host := s.Start(t)
	c, err := registry.New(registry.Options{Keychain: authn.NewMultiKeychain()})
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, c, host+"/fat:v1", 200, 30)
	if got := s.ChildrenServed(); got != registry.DefaultChildren {
		t.Fatalf("%d children fetched at once, want %d", got, registry.DefaultChildren)
	}
	if scr := h.screen(); !strings.Contains(scr, "4 children not fetched yet") {
		t.Fatalf("the tree does not say what it left out:\n%s", scr)
	}
	h.keys("G")
	if scr := h.screen(); !strings.Contains(scr, "linux/amd64/v259") || !strings.Contains(scr, "not fetched yet: open it to fetch") {
		t.Fatalf("the last entry is not shown as left out:\n%s", scr)
	}
	h.keys("enter")
	if got := s.ChildrenServed(); got != registry.DefaultChildren+1 {
		t.Fatalf("%d children fetched after opening one, want %d", got, registry.DefaultChildren+1)
	}
	scr := h.screen()
	if !strings.Contains(scr, "manifest") || strings.Contains(scr, "fetching…") {
		t.Fatalf("the opened entry does not show its manifest:\n%s", scr)
	}
	for _, l := range strings.Split(scr, "\n") {
		if strings.Contains(l, "v259") && strings.Contains(l, "not fetched") {
			t.Fatalf("the fetched entry still says it is not fetched:\n%s", scr)
		}
	}
}

// A child refused as too large says why on its row, even at 80 columns.
func TestTreeTooLargeChildSaysWhy(t *testing.T) {
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	s := &hostilereg.Server{Children: 3, ChildSize: 2 << 20}
	host := s.Start(t)
	c, err := registry.New(registry.Options{Keychain: authn.NewMultiKeychain()})
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, c, host+"/fat:v1", 80, 20)
	if s.ChildrenServed() != 3 {
		t.Fatalf("%d children asked", s.ChildrenServed())
	}
	if scr := h.screen(); !strings.Contains(scr, "✗ is 2097152 bytes, more than") {
		t.Fatalf("the row does not say why the child was refused:\n%s", scr)
	}
}
