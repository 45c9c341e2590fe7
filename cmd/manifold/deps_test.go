package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// goListDeps returns the packages pkg depends on, as `go list -deps` says.
// needGo skips a test that runs the go command where there is none: the
// Windows test binaries run under Wine (make test-windows). The rules are
// the same on every system, and checked where go runs.
func needGo(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command to list packages with")
	}
}

func goListDeps(t *testing.T, pkg string) []string {
	t.Helper()
	needGo(t)
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

// The ui packages' arrows: the root (ui) knows pages only by interface and
// opens them through common's registry; pages never import the root or
// each other; components never import pages or the root; common imports
// neither pages nor components; keys and styles import no other ui package;
// nothing shipped imports ui/internal (test helpers).
func TestUIDependencyRules(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	const ui = "github.com/manifold-dev/manifold/ui"
	needGo(t)
	out, err := exec.Command("go", "list", "../../ui/...").Output()
	if err != nil {
		t.Fatalf("go list ../../ui/...: %v", err)
	}
	pkgs := strings.Fields(string(out))
	if len(pkgs) < 4 {
		t.Fatalf("go list ../../ui/... found only %v", pkgs)
	}
	under := func(p, dir string) bool { return p == ui+"/"+dir || strings.HasPrefix(p, ui+"/"+dir+"/") }
	for _, pkg := range pkgs {
		if pkg == ui || under(pkg, "internal") {
			continue
		}
		for _, dep := range goListDeps(t, pkg) {
			if dep == pkg || !(dep == ui || strings.HasPrefix(dep, ui+"/")) {
				continue
			}
			var bad string
			switch {
			case dep == ui:
				bad = "the root"
			case under(dep, "internal"):
				bad = "test code"
			case under(pkg, "pages") && under(dep, "pages"):
				bad = "another page (open it with common.Open)"
			case (under(pkg, "components") || under(pkg, "common")) && under(dep, "pages"):
				bad = "a page"
			case under(pkg, "common") && under(dep, "components"):
				bad = "a component (components build on common)"
			case (under(pkg, "keys") || under(pkg, "styles")) && !under(dep, "keys") && !under(dep, "styles"):
				bad = "a ui package other than keys and styles"
			case under(pkg, "keys") && under(dep, "styles"), under(pkg, "styles") && under(dep, "keys"):
				bad = "its sibling"
			}
			if bad != "" {
				t.Errorf("%s depends on %s: %s", pkg, dep, bad)
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
		var files []string
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == "testdata" {
				return filepath.SkipDir
			}
			if !d.IsDir() && strings.HasSuffix(path, ".go") && (dir == "../../ui" || filepath.Dir(path) == filepath.Clean(dir)) {
				files = append(files, path) // every package under ui/, one directory elsewhere
			}
			return nil
		})
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
