package resolve_test

import (
	"strings"
	"testing"

	"github.com/manifold-dev/manifold/ui"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
	"github.com/manifold-dev/manifold/ui/pages/resolve"
)

// TestResolveHostsFromConfigAreKept: the matrix starts from the config's
// hosts; adding and removing one saves the rows (without this machine).
func TestResolveHostsFromConfigAreKept(t *testing.T) {
	var saved [][]string
	hs, _ := uitest.Open(t, ui.New, uitest.NewFake(), "localhost:5000/app:1.0", 100, 30, func(o *common.Options) {
		o.ResolveHosts = []string{"linux/arm64", "linux/riscv64"}
		o.SaveResolveHosts = func(h []string) error { saved = append(saved, h); return nil }
	})
	hs.Keys("m")
	rp, ok := hs.Top().(*resolve.Model)
	if !ok {
		t.Fatalf("no matrix: %T", hs.Top())
	}
	if len(rp.Rows()) != 3 || rp.Rows()[0].Label != "linux/arm64" || rp.Rows()[1].Label != "linux/riscv64" || rp.Rows()[2].Note != "this machine" {
		t.Fatalf("rows %+v", rp.Rows())
	}
	if strings.Contains(hs.Screen(), "linux/ppc64le") {
		t.Fatal("built-in rows shown besides the config's")
	}
	hs.Keys("a")
	hs.TypeText("linux/s390x")
	hs.Keys("enter")
	hs.Keys("home", "x") // removes linux/arm64
	if len(saved) != 2 || strings.Join(saved[0], ",") != "linux/arm64,linux/riscv64,linux/s390x" || strings.Join(saved[1], ",") != "linux/riscv64,linux/s390x" {
		t.Fatalf("saved %v", saved)
	}
	if !strings.Contains(hs.Screen(), "kept in the config file") {
		t.Fatalf("no word of it:\n%s", hs.Screen())
	}
}
