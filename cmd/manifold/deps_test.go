package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
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

// The dependency arrows run one way (cmd → ui → model, cmd/ui → verbs →
// registry → model; verbs may use internal/stagestore), and the reference registry used by the tests never reaches the
// shipped binary.
func TestDependencyRules(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	rules := []struct {
		pkg       string
		forbidden []string
	}{
		{".", []string{"github.com/distribution/distribution", "github.com/docker/distribution", "internal/testregistry", "internal/faultproxy", "internal/hostile"}},
		{"../../model", []string{"github.com/docker/distribution", "net/http", "charm.land/", "github.com/google/go-containerregistry/pkg/v1/remote", "manifold/registry", "manifold/ui"}},
		{"../../registry", []string{"charm.land/", "manifold/ui", "github.com/distribution/distribution"}},
		{"../../ui", []string{"github.com/distribution/distribution", "manifold/cmd"}},
		{"../../verbs", []string{"charm.land/", "manifold/ui", "manifold/cmd", "github.com/distribution/distribution", "internal/testregistry"}},
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

// The verbs are written once, in package verbs: the front ends (and the
// registry adapter under them) call verbs.Compare, verbs.StartFromTag and
// friends instead of keeping their own "what does the tag hold now, and the
// diff against it" or "start a list from the tag".
func TestVerbsAreNotDuplicated(t *testing.T) {
	// The functions only the verbs layer calls.
	verbOnly := map[string]string{
		"model.Diff":           "verbs.Compare",
		"model.StagedFromTree": "verbs.StartFromTag",
		"model.Check":          "verbs.Check",
		"model.DiffRefs":       "verbs.Diff",
	}
	for _, dir := range []string{".", "../../ui", "../../registry"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 {
			t.Fatalf("no Go files in %s", dir)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			fset := token.NewFileSet()
			af, err := parser.ParseFile(fset, f, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(af, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				id, ok := sel.X.(*ast.Ident)
				if !ok {
					return true
				}
				if use, bad := verbOnly[id.Name+"."+sel.Sel.Name]; bad {
					t.Errorf("%s: %s.%s is the verbs layer's: call %s", fset.Position(sel.Pos()), id.Name, sel.Sel.Name, use)
				}
				return true
			})
		}
	}
}
