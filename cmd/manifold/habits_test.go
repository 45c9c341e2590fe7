package main

import (
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// A mistyped subcommand gets cobra's "did you mean", and is never taken for
// a repository (which would open the browser).
func TestMistypedSubcommandSuggests(t *testing.T) {
	editEnv(t)
	for typed, want := range map[string]string{"anotate": "annotate", "inpsect": "inspect", "platfroms": "platforms"} {
		code, _, errs := mf(t, typed)
		if code == 0 || !strings.Contains(errs, "Did you mean this?") || !strings.Contains(errs, want) || strings.Contains(errs, "browser") {
			t.Errorf("manifold %s: exit %d\n%s", typed, code, errs)
		}
	}
	// A name with a registry or a tag is a reference, as before.
	if _, _, errs := mf(t, "localhost:5000/anotate"); strings.Contains(errs, "Did you mean") {
		t.Errorf("a reference was taken for a command: %s", errs)
	}
}

// inspect -v is --all, and inspect LIST IMAGE shows one entry of a staged
// list or of a list in the registry.
func TestInspectVerboseAndTwoArguments(t *testing.T) {
	host := editEnv(t)
	list := host + "/app:v1"
	amdRef := host + "/src:amd64"
	armRef := host + "/src:arm64"
	writeImage(t, amdRef, v1.Platform{OS: "linux", Architecture: "amd64"}, true)
	arm := dig(t, writeImage(t, armRef, v1.Platform{OS: "linux", Architecture: "arm64"}, true))
	mustMF(t, "create", list, amdRef, armRef)

	all := mustMF(t, "inspect", armRef, "--all")
	if v := mustMF(t, "inspect", armRef, "-v"); v != all {
		t.Fatalf("-v differs from --all:\n%s\n---\n%s", v, all)
	}
	if v := mustMF(t, "inspect", armRef, "--verbose"); v != all {
		t.Fatal("--verbose differs from --all")
	}
	// Staged, not pushed: by platform, by the reference it was added from.
	for _, image := range []string{"linux/arm64", armRef, arm[:19]} {
		out := mustMF(t, "inspect", list, image, "-o", "json")
		if !strings.Contains(out, arm) || strings.Contains(out, "amd64") {
			t.Fatalf("inspect %s %s:\n%s", list, image, out)
		}
	}
	if code, _, errs := mf(t, "inspect", list, "linux/s390x"); code == 0 || !strings.Contains(errs, "lists its entries") {
		t.Fatalf("a missing entry: exit %d\n%s", code, errs)
	}
	// Pushed and no longer staged: the registry's list.
	mustMF(t, "push", list, "--purge")
	out := mustMF(t, "inspect", list, "linux/arm64", "-o", "json")
	if !strings.Contains(out, arm) {
		t.Fatalf("inspect of a pushed list's entry:\n%s", out)
	}
	if code, _, errs := mf(t, "inspect", armRef, "linux/arm64"); code == 0 || !strings.Contains(errs, "is not a list") {
		t.Fatalf("inspect IMAGE IMAGE: exit %d\n%s", code, errs)
	}
}

// rm on a terminal names what it deletes in the registry and says that a
// staged list is discarded with manifold staged rm.
func TestRmNamesWhatItDeletes(t *testing.T) {
	host := editEnv(t)
	list := host + "/app:v1"
	ref := host + "/src:amd64"
	writeImage(t, ref, v1.Platform{OS: "linux", Architecture: "amd64"}, true)
	mustMF(t, "create", list, ref)
	mustMF(t, "push", list)
	_, _, d := readIndex(t, list)
	fakeTerminal(t, "n\n")
	code, _, errs := mf(t, "rm", list)
	if code == 0 {
		t.Fatal("answered no, rm succeeded")
	}
	if strings.Contains(errs, "confirm on a terminal") {
		t.Fatalf("answered no on a terminal, told to confirm on a terminal:\n%s", errs)
	}
	for _, want := range []string{"deletes from the registry " + host, host + "/app@" + d, "OCI index", "a staged list " + list + " is kept", "manifold staged rm"} {
		if !strings.Contains(errs, want) {
			t.Fatalf("rm prompt lacks %q:\n%s", want, errs)
		}
	}
	if code, _, errs := mf(t, "rm", host+"/app:nope", "--yes"); code == 0 || !strings.Contains(errs, "not found in the registry") || !strings.Contains(errs, "staged rm") {
		t.Fatalf("rm of a missing tag: exit %d\n%s", code, errs)
	}
}

// Staged names beginning with a dot are listed like any other (issue 9):
// no list is kept that staged ls does not show.
func TestDotNamesAreListed(t *testing.T) {
	host := editEnv(t)
	ref := host + "/src:amd64"
	writeImage(t, ref, v1.Platform{OS: "linux", Architecture: "amd64"}, true)
	for _, n := range []string{".hidden", "..", "../x"} {
		mustMF(t, "create", "--name", n, host+"/app:v1", ref)
	}
	out := mustMF(t, "staged", "ls")
	for _, n := range []string{".hidden", "..", "../x"} {
		found := false
		for _, line := range strings.Split(out, "\n") {
			if f := strings.Fields(line); len(f) > 0 && f[0] == n {
				found = true
			}
		}
		if !found {
			t.Errorf("%q is staged but not listed:\n%s", n, out)
		}
		mustMF(t, "staged", "show", n)
		mustMF(t, "staged", "rm", n)
	}
}
