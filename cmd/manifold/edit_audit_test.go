package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/manifold-dev/manifold/internal/stagestore"
)

// TestDevNullIsNotATerminal: a script run with </dev/null gets "pass
// --yes", not a question (/dev/null is a character device, not a terminal).
func TestDevNullIsNotATerminal(t *testing.T) {
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if stdinIsTerminal(f) {
		t.Fatal("/dev/null taken for a terminal")
	}
	old := os.Stdin
	os.Stdin = f
	defer func() { os.Stdin = old }()
	if editIsTTY() {
		t.Fatal("editIsTTY says yes with stdin on /dev/null")
	}
}

// TestCreateTellsWhatItSkips: an image given twice, or a list whose entries
// are already staged, is skipped with a message naming it, never silently.
func TestCreateTellsWhatItSkips(t *testing.T) {
	host := editEnv(t)
	refs, _ := threeImages(t, host)
	list := host + "/app:v1"
	code, out, errs := mf(t, "create", list, refs[0], refs[1], refs[0])
	if code != 0 {
		t.Fatalf("create: %d %s", code, errs)
	}
	if !strings.Contains(out, "2 entries (2 added)") {
		t.Fatalf("stdout: %s", out)
	}
	if !strings.Contains(errs, "skipped linux/amd64") || !strings.Contains(errs, "already entry 1") {
		t.Fatalf("the duplicate was dropped without a word:\n%s", errs)
	}
	// A list as a source: all its entries are taken, and the user is told
	// how to take one; entries already staged are named.
	mustMF(t, "push", list)
	code, out, errs = mf(t, "create", host+"/app:v2", list, refs[2])
	if code != 0 {
		t.Fatalf("create from a list: %d %s", code, errs)
	}
	if !strings.Contains(errs, "taking all 2 entries") || !strings.Contains(errs, "--platform") || !strings.Contains(out, "3 entries (3 added)") {
		t.Fatalf("index source:\nstdout %s\nstderr %s", out, errs)
	}
	_, errs = mustMFErr(t, "create", host+"/app:v2", list, "--amend", "--platform", "linux/arm")
	if !strings.Contains(errs, "taking 1 entry for --platform") || !strings.Contains(errs, "skipped linux/arm") {
		t.Fatalf("amend with an entry already staged:\n%s", errs)
	}
	_, errs = mustMFErr(t, "create", host+"/app:v3", refs[0])
	if strings.Contains(errs, "skipped") {
		t.Fatalf("nothing was skipped, but: %s", errs)
	}
}

// TestSpecBlockedPointsAtTheFile: a spec whose platform validation blocks
// (manifest-tool's old "variant: armv7l") is refused, with the advice to
// fix the file, not to annotate a staged list that does not exist; a spec
// naming an image twice says it skipped one.
func TestSpecBlockedPointsAtTheFile(t *testing.T) {
	host := editEnv(t)
	refs, _ := threeImages(t, host)
	spec := "image: " + host + "/app:spec\nmanifests:\n  -\n    image: " + refs[1] + "\n    platform:\n      architecture: arm\n      os: linux\n      variant: armv7l\n"
	file := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(file, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := mf(t, "push", "--spec", file)
	if code == 0 || !strings.Contains(errs, "variant armv7l") || !strings.Contains(errs, "spec file") || strings.Contains(errs, "manifold annotate") {
		t.Fatalf("blocked spec: %d\n%s", code, errs)
	}
	if _, err := remote.Head(mustRef(t, host+"/app:spec")); err == nil {
		t.Fatal("a blocked spec was pushed")
	}
	st, _ := stagestore.Open()
	if ls, _ := st.List(); len(ls) != 0 {
		t.Fatalf("push --spec staged something: %+v", ls)
	}
	spec = "image: " + host + "/app:spec\nmanifests:\n  - image: " + refs[0] + "\n  - image: " + refs[0] + "\n"
	if err := os.WriteFile(file, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs = mustMFErr(t, "push", "--spec", file)
	if !strings.Contains(errs, "skipped linux/amd64") {
		t.Fatalf("duplicate spec image dropped silently:\n%s", errs)
	}
}

// TestDuplicatePlatformCanBeFixedFromTheCLI: two sources with the same
// platform stage (the error is shown at once), block the push with a clear
// message, and annotate --remove drops one so the push goes through.
func TestDuplicatePlatformCanBeFixedFromTheCLI(t *testing.T) {
	host := editEnv(t)
	refs, digests := threeImages(t, host)
	other := host + "/src-c:amd64"
	writeImage(t, other, v1.Platform{OS: "linux", Architecture: "amd64"}, false)
	list := host + "/app:v1"
	// The list is saved, and create exits non-zero: it cannot be pushed.
	code, _, errs := mf(t, "create", list, refs[0], other, refs[1])
	if code == 0 || !strings.Contains(errs, "error: entry 2: duplicate platform linux/amd64 (also entry 1)") || !strings.Contains(errs, "is saved but cannot be pushed") {
		t.Fatalf("create did not flag the duplicate: exit %d\n%s", code, errs)
	}
	code, _, errs = mf(t, "push", list)
	if code == 0 || !strings.Contains(errs, "duplicate platform") || !strings.Contains(errs, "--remove") {
		t.Fatalf("push of a duplicate: %d\n%s", code, errs)
	}
	if code, _, errs := mf(t, "annotate", list, "linux/amd64", "--remove"); code == 0 || !strings.Contains(errs, "more than one entry") {
		t.Fatalf("an ambiguous --remove: %d %s", code, errs)
	}
	if code, _, errs := mf(t, "annotate", list, other, "--remove", "--arch", "arm64"); code == 0 || !strings.Contains(errs, "alone") {
		t.Fatalf("--remove with an edit: %d %s", code, errs)
	}
	if code, _, _ := mf(t, "annotate", list, "--remove"); code == 0 {
		t.Fatal("--remove without an entry succeeded")
	}
	out, errs := mustMFErr(t, "annotate", list, other, "--remove")
	if !strings.Contains(out, "removed linux/amd64") || !strings.Contains(out, "2 entries left") || strings.Contains(errs, "error:") {
		t.Fatalf("remove: %s\n%s", out, errs)
	}
	mustMF(t, "push", list)
	if _, got, _ := readIndex(t, list); len(got) != 2 || got[0].digest != digests[0] || got[1].digest != digests[1] {
		t.Fatalf("pushed %+v", got)
	}
}
