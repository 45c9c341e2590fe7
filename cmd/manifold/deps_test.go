package main

import (
	"os/exec"
	"strings"
	"testing"
)

// goListDeps returns the packages pkg depends on, as `go list -deps` says.
func goListDeps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}

// The dependency arrows run one way (cmd → ui → model, cmd/ui → registry →
// model), and the reference registry used by the tests never reaches the
// shipped binary.
func TestDependencyRules(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	rules := []struct {
		pkg       string
		forbidden []string
	}{
		{".", []string{"github.com/distribution/distribution", "internal/testregistry", "internal/faultproxy"}},
		{"../../model", []string{"net/http", "charm.land/", "github.com/google/go-containerregistry/pkg/v1/remote", "manifold/registry", "manifold/ui"}},
		{"../../registry", []string{"charm.land/", "manifold/ui", "github.com/distribution/distribution"}},
		{"../../ui", []string{"github.com/distribution/distribution", "manifold/cmd"}},
	}
	for _, r := range rules {
		for _, dep := range goListDeps(t, r.pkg) {
			for _, f := range r.forbidden {
				if strings.Contains(dep, f) {
					t.Errorf("%s depends on %s (forbidden: %s)", r.pkg, dep, f)
				}
			}
		}
	}
}
