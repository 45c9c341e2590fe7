package main

import (
	"context"
	"strings"
	"testing"

	"github.com/manifold-dev/manifold/internal/fixtures"
	"github.com/manifold-dev/manifold/internal/testregistry"
)

func TestCpPlanConfirmAndCopy(t *testing.T) {
	src := editEnv(t)
	dst := testregistry.Start(t, testregistry.Options{Htpasswd: map[string]string{"ci": "pw"}})
	t.Setenv("DOCKER_CONFIG", dst.DockerConfig(t, "ci", "pw"))
	set, err := fixtures.Push(context.Background(), src, fixtures.Only(fixtures.Eleven))
	if err != nil {
		t.Fatal(err)
	}
	f := set[fixtures.Eleven]
	target := dst.Ref("mirror/eleven:arm")

	// --dry-run: the plan, per platform, with both digests; nothing written.
	out := mustMF(t, "cp", f.Ref(src), target, "--platform", "linux/arm64,linux/arm/v7", "--dry-run")
	for _, want := range []string{
		"--platform linux/arm64 takes linux/arm64",
		"--platform linux/arm/v7 takes linux/arm/v7",
		"left out: linux/amd64, linux/amd64/v2", "(and 9 attestations or other entries)",
		"linux/arm64 ", "attestation of linux/arm/v7",
		"digest of " + f.Ref(src) + ": " + f.Digest,
		"changed: the index is rewritten",
		"nothing is attached to sha256:",
		"does not exist yet",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
	if code, _, _ := mf(t, "resolve", target, "--platform", "linux/arm64"); code == 0 {
		t.Fatal("--dry-run wrote the target")
	}

	// No terminal, no --yes: refused, as push refuses.
	code, _, errs := mf(t, "cp", f.Ref(src), target, "--platform", "linux/arm64,linux/arm/v7")
	if code == 0 || !strings.Contains(errs, "pass --yes") {
		t.Fatalf("cp without a terminal or --yes: exit %d, %s", code, errs)
	}

	// A platform the index lacks fails before anything is written.
	code, _, errs = mf(t, "cp", f.Ref(src), target, "--platform", "windows/amd64", "--yes")
	if code == 0 || !strings.Contains(errs, "windows/amd64") || !strings.Contains(errs, "available") {
		t.Fatalf("cp --platform windows/amd64: exit %d, %s", code, errs)
	}

	code, out, errs = mf(t, "cp", f.Ref(src), target, "--platform", "linux/arm64", "--platform", "linux/arm/v7", "--yes", "--progress", "plain")
	if code != 0 {
		t.Fatalf("cp --yes: exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(errs, "copied  sha256:") || !strings.Contains(errs, "tagged  "+target) {
		t.Errorf("plain progress: a line per blob and the tag:\n%s", errs)
	}
	got := mustMF(t, "platforms", target)
	if !strings.Contains(got, "linux/arm64") || !strings.Contains(got, "linux/arm/v7") || strings.Contains(got, "linux/amd64") {
		t.Fatalf("target platforms:\n%s", got)
	}
	// Run again: nothing to do.
	out = mustMF(t, "cp", f.Ref(src), target, "--platform", "linux/arm64,linux/arm/v7", "--yes")
	if !strings.Contains(out, "nothing to copy") {
		t.Errorf("second run:\n%s", out)
	}
	// A full copy keeps the digest.
	mustMF(t, "cp", f.Ref(src), dst.Ref("mirror/eleven"), "--yes", "--progress", "none")
	if d := strings.TrimSpace(mustMF(t, "resolve", dst.Ref("mirror/eleven:v1"), "--platform", "linux/s390x")); !strings.Contains(d, "@sha256:") {
		t.Fatalf("full copy to the source's tag: %q", d)
	}
}

func TestCpRejectsBadFlags(t *testing.T) {
	editEnv(t)
	for _, args := range [][]string{
		{"cp", "a:1", "b:1", "--progress", "bars"},
		{"cp", "a:1", "b:1", "--jobs", "0"},
		{"cp", "a:1", "b:1", "--platform", "linux/arm/v77"},
	} {
		code, _, errs := mf(t, args...)
		if code == 0 || errs == "" {
			t.Errorf("%v: exit %d, %q", args, code, errs)
		}
	}
}

// tag across registries is cp without filtering: the same plan, the same
// question, and the same digest at the end.
func TestTagAcrossRegistriesIsACopy(t *testing.T) {
	src := editEnv(t)
	dst := testregistry.Start(t, testregistry.Options{})
	set, err := fixtures.Push(context.Background(), src, fixtures.Only(fixtures.OCIAttest))
	if err != nil {
		t.Fatal(err)
	}
	f := set[fixtures.OCIAttest]
	code, out, errs := mf(t, "tag", f.Ref(src), dst.Ref("app:v1"))
	if code == 0 || !strings.Contains(errs, "pass --yes") || !strings.Contains(out, "TO TRANSFER") {
		t.Fatalf("tag across registries without --yes: exit %d\n%s\n%s", code, out, errs)
	}
	if code, _, _ := mf(t, "inspect", dst.Ref("app:v1")); code == 0 {
		t.Fatal("refused tag wrote the target")
	}
	fakeTerminal(t, "y\n")
	out = mustMF(t, "tag", f.Ref(src), dst.Ref("app:v1"))
	if !strings.Contains(out, "@"+f.Digest) {
		t.Fatalf("tag after yes: %s", out)
	}
}
