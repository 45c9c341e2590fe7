package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/google/go-containerregistry/pkg/authn"

	"github.com/manifold-dev/manifold/internal/fixtures"
	"github.com/manifold-dev/manifold/internal/testregistry"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
	"github.com/manifold-dev/manifold/ui/pages/raw"
	"github.com/manifold-dev/manifold/ui/pages/sbom"
	"github.com/manifold-dev/manifold/ui/pages/staging"
	"github.com/manifold-dev/manifold/ui/pages/tree"
)

// A new user opens the signed image: the tree paints, the supply chain
// follows; under linux/arm64 they find the builder and the package count,
// open the package list and filter it; v shows the raw statement.
func TestSupplyChainInTheTree(t *testing.T) {
	reg := testregistry.Start(t, testregistry.Options{})
	signer, err := fixtures.NewSigner()
	if err != nil {
		t.Fatal(err)
	}
	s, err := fixtures.PushSigned(context.Background(), reg.Host, signer)
	if err != nil {
		t.Fatal(err)
	}
	c, err := registry.New(registry.Options{Keychain: authn.NewMultiKeychain()})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []int{60, 80, 200} {
		hs := newHarness(t, c, s.Ref(reg.Host), w, 30)
		tp, ok := hs.m.top().(*tree.Model)
		if !ok || tp.Tree() == nil || tp.Tree().Supply == nil {
			t.Fatalf("%d cols: tree page %T without its supply chain:\n%s", w, hs.m.top(), hs.screen())
		}
		scr := hs.screen()
		if w == 200 && (!strings.Contains(scr, "2 platforms, ") || !strings.Contains(scr, "2 attestations · 2 attached · signed (not verified)")) {
			t.Errorf("header:\n%s", scr)
		}
		if strings.Contains(scr, "· signed ·") || strings.Contains(scr, " verified ") {
			t.Errorf("claims a verification:\n%s", scr)
		}
		for _, line := range strings.Split(scr, "\n") {
			if n := len([]rune(line)); n > w {
				t.Errorf("%d cols: line of %d: %q", w, n, line)
			}
		}
		// Go to linux/arm64, open it and its supply-chain group.
		find := func(pred func(*tree.Node) bool) {
			t.Helper()
			for i := 0; i < 60; i++ {
				if n := tp.Selected(); n != nil && pred(n) {
					return
				}
				hs.keys("j")
			}
			t.Fatalf("row not found:\n%s", hs.screen())
		}
		find(func(n *tree.Node) bool {
			return n.Kind == tree.NodeEntry && n.Entry.Platform != nil && n.Entry.Platform.String() == "linux/arm64"
		})
		hs.keys("l", "j")
		if n := tp.Selected(); n.Kind != tree.NodeSupply {
			t.Fatalf("first row under arm64 is %d, want the supply chain:\n%s", n.Kind, hs.screen())
		}
		hs.keys("l")
		if w == 200 {
			scr = hs.screen()
			for _, want := range []string{"builder github.com/docker/buildx@v0.30.1", "github.com/manifold-dev/hello@4f3c2a9e1b7d", "SBOM  SPDX-2.3  17 packages", "SBOM  CycloneDX", "7 packages", "signature  cosign-tag  signed (not verified)"} {
				if !strings.Contains(scr, want) {
					t.Errorf("arm64 supply chain lacks %q:\n%s", want, scr)
				}
			}
		}
		find(func(n *tree.Node) bool { return n.Kind == tree.NodeSupplyItem && n.Item.Kind == "provenance" })
		hs.keys("v")
		rp, ok := hs.m.top().(*raw.Model)
		if !ok || !strings.Contains(string(rp.Raw()), `"predicateType":"https://slsa.dev/provenance/v0.2"`) {
			t.Fatalf("v on provenance: %T", hs.m.top())
		}
		hs.keys("esc")
		find(func(n *tree.Node) bool {
			return n.Kind == tree.NodeSupplyItem && n.Item.SBOM != nil && n.Item.SBOM.Count == 17
		})
		hs.keys("enter")
		sp, ok := hs.m.top().(*sbom.Model)
		if !ok || sp.List().Len() != 17 {
			t.Fatalf("enter on the SBOM: %T\n%s", hs.m.top(), hs.screen())
		}
		hs.keys("/")
		hs.typeText("bsd")
		hs.keys("enter")
		// Packages 2, 5, 8, 11 and 14 are BSD-3-Clause (fixtures.Packages).
		if sp.List().Shown() != 5 || !strings.Contains(sp.List().Selected(), "BSD-3-Clause") {
			t.Errorf("filter bsd: %d shown, %q\n%s", sp.List().Shown(), sp.List().Selected(), hs.screen())
		}
		if w == 80 && !strings.Contains(hs.screen(), "5 of SPDX-2.3, 17 packages") {
			t.Errorf("filtered title:\n%s", hs.screen())
		}
		hs.keys("y")
		if !strings.HasPrefix(hs.Clipboard, "pkg:apk/alpine/arm64-lib") {
			t.Errorf("y copied %q, want the purl", hs.Clipboard)
		}
	}
}

// Against a registry that is not a Supplier (the fake), the tree is as it
// was: no supply-chain rows, no header word.
func TestNoSupplierNoSupplyRows(t *testing.T) {
	hs := newHarness(t, uitest.NewFake(), "localhost:5000/app:1.0", 100, 30)
	if strings.Contains(hs.screen(), "supply chain") || strings.Contains(hs.screen(), "signed") {
		t.Errorf("supply rows without a Supplier:\n%s", hs.screen())
	}
}

// The staging pane's push review says which signatures of the index the
// tag holds now will no longer apply.
func TestStagingReviewNamesSignaturesLeftBehind(t *testing.T) {
	env := uitest.NewStagingEnv(t, pages())
	signer, _ := fixtures.NewSigner()
	s, err := fixtures.PushSigned(context.Background(), env.Host, signer)
	if err != nil {
		t.Fatal(err)
	}
	target := s.Ref(env.Host)
	tr, err := env.C.Reg.Tree(context.Background(), target, registry.TreeOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	l, err := model.StagedFromTree(target, target, tr)
	if err != nil {
		t.Fatal(err)
	}
	l.Annotations = map[string]string{"org.opencontainers.image.version": "2"}
	env.Store.Save(l)
	p := common.Page(staging.New(env.C))
	p.SetSize(200, 40)
	p = env.Run(p, p.Init())
	sp := p.(*staging.Model)
	p = env.Key(p, "P")
	if !sp.Reviewing() {
		t.Fatalf("no confirmation: %q", env.LastStatus())
	}
	view := p.View()
	for _, want := range []string{"no longer apply", "signature sha256:", ".sig)", "attestation sha256:"} {
		if !strings.Contains(view, want) {
			t.Errorf("review lacks %q:\n%s", want, view)
		}
	}
	// At 60 columns the lines wrap at words: what no longer applies and
	// what to do about it are read whole, not cut with "…".
	p.SetSize(60, 40)
	narrow := ansi.Strip(p.View())
	squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
	for _, want := range []string{"these no longer apply (re-sign the new index; the images' own signatures still do):", ".sig)", "attestation sha256:"} {
		if !strings.Contains(squash(narrow), squash(want)) {
			t.Errorf("at 60 columns the review lacks %q:\n%s", want, narrow)
		}
	}
}

// Nothing attached: the header says unsigned and no empty group is drawn;
// an in-index attestation alone makes a group that says unsigned.
func TestUnsignedImages(t *testing.T) {
	reg := testregistry.Start(t, testregistry.Options{})
	set, err := fixtures.Push(context.Background(), reg.Host, fixtures.Only(fixtures.DockerList, fixtures.OCIAttest))
	if err != nil {
		t.Fatal(err)
	}
	c, err := registry.New(registry.Options{Keychain: authn.NewMultiKeychain()})
	if err != nil {
		t.Fatal(err)
	}
	hs := newHarness(t, c, set[fixtures.DockerList].Ref(reg.Host), 160, 30)
	if scr := hs.screen(); !strings.Contains(scr, "· unsigned") || strings.Contains(scr, "supply chain") {
		t.Errorf("docker list:\n%s", scr)
	}
	hs = newHarness(t, c, set[fixtures.OCIAttest].Ref(reg.Host), 160, 30)
	hs.keys("j", "l")
	if scr := hs.screen(); !strings.Contains(scr, "supply chain  unsigned  SBOM 0 packages") {
		t.Errorf("oci-attest:\n%s", scr)
	}
}
