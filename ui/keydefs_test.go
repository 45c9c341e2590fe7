package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/manifold-dev/manifold/themes"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
	"github.com/manifold-dev/manifold/ui/keys"
	"github.com/manifold-dev/manifold/ui/pages/staging"
	"github.com/manifold-dev/manifold/ui/pages/tags"
	"github.com/manifold-dev/manifold/ui/styles"
)

// keyOwners maps each key string to the help of the enabled keys bound
// to it.
func keyOwners(ks []keys.Key) map[string][]string {
	out := map[string][]string{}
	for _, k := range keys.Enabled(ks) {
		h := k.Binding.Help()
		for _, s := range k.Binding.Keys() {
			out[s] = append(out[s], h.Key+" "+h.Desc)
		}
	}
	return out
}

// TestNoPageKeyShadowed: on every screen, in the state the screen is in,
// no key of the page is also a global key that applies (the root tries
// its keys first: the page's would never run), and no key means two
// things.
func TestNoPageKeyShadowed(t *testing.T) {
	check := func(t *testing.T, name string, m *Model) {
		t.Helper()
		top := m.top()
		page := keyOwners(top.Keys())
		for s, owners := range page {
			if len(owners) > 1 {
				t.Errorf("%s: %q means %d things: %v", name, s, len(owners), owners)
			}
		}
		if top.InputFocused() {
			return // every key goes to the field; globals do not apply
		}
		for s, g := range keyOwners(m.globalKeys()) {
			if p, ok := page[s]; ok {
				t.Errorf("%s: page key %q (%v) is shadowed by the global %v", name, s, p, g)
			}
		}
	}
	for i, sc := range screens {
		hs := openScreen(t, i, 80, 24)
		check(t, sc.name, hs.m)
		if hs.m.top().InputFocused() {
			continue
		}
		// The same screen with a filter typed and kept, where there is one.
		if _, ok := hs.m.top().(interface{ Filtered() bool }); ok {
			hs.keys("/")
			hs.typeText("a")
			hs.keys("enter")
			check(t, sc.name+" filtered", hs.m)
		}
	}
	env := uitest.NewStagingEnv(t, pages())
	c := &common.Common{Ctx: context.Background(), Styles: styles.New(themes.NoColor), Keys: keys.Default(), Opts: &common.Options{}, Pages: pages()}
	sp := staging.New(c)
	check(t, "staging lists", &Model{c: c, stack: []common.Page{sp}})
	sp.SetList(uitest.GoldenList())
	check(t, "staging entries", &Model{c: c, stack: []common.Page{sp}})
	_ = env
}

// TestOneMeaningPerScreen: across every state of a screen (the staging
// pane's lists and entries, say), one key has one meaning: x removes an
// entry, it does not also discard a list.
func TestOneMeaningPerScreen(t *testing.T) {
	c := &common.Common{Ctx: context.Background(), Styles: styles.New(themes.NoColor), Keys: keys.Default(), Opts: &common.Options{}, Pages: pages()}
	sp := staging.New(c)
	all := append([]keys.Key(nil), sp.Keys()...)
	sp.SetList(uitest.GoldenList())
	all = append(all, sp.Keys()...)
	seen := map[string]string{}
	for _, k := range all {
		k.When = nil
		h := k.Binding.Help().Key + " " + k.Binding.Help().Desc
		for _, s := range k.Binding.Keys() {
			if prev, ok := seen[s]; ok && prev != h {
				t.Errorf("staging: %q means %q and %q", s, prev, h)
			}
			seen[s] = h
		}
	}
}

// TestGGAndG: G goes to the bottom, gg and home to the top; g alone does
// nothing (it used to open a reference: that is :).
func TestGGAndG(t *testing.T) {
	hs := newHarness(t, uitest.NewFake(), "localhost:5000/app", 80, 24)
	tp := hs.m.top().(*tags.Model)
	hs.keys("G")
	if tp.List().Cursor() == 0 {
		t.Fatal("G did not move to the bottom")
	}
	hs.keys("g")
	if hs.m.gotoActive || tp.List().Cursor() == 0 {
		t.Fatalf("one g acted: goto %v, cursor %d", hs.m.gotoActive, tp.List().Cursor())
	}
	hs.keys("g")
	if tp.List().Cursor() != 0 {
		t.Fatalf("gg: cursor %d", tp.List().Cursor())
	}
	hs.keys("G", "home")
	if tp.List().Cursor() != 0 {
		t.Fatalf("home: cursor %d", tp.List().Cursor())
	}
	hs.keys("G", "g", "j", "g")
	if tp.List().Cursor() == 0 {
		t.Fatal("g j g went to the top: the chord must be two g in a row")
	}
	hs.keys(":")
	if !hs.m.gotoActive || !strings.Contains(hs.screen(), ":") {
		t.Fatal(": does not open a reference")
	}
}
