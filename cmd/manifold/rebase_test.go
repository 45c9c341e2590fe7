package main

import (
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// The advice printed after "the tag moved" works when followed literally:
// the printed rebase command starts the list again from what the tag holds
// now, keeps the user's annotation and added entry, drops what the other
// writer removed, keeps what they added; the push then goes ahead.
func TestTagMovedAdviceWorksAsWritten(t *testing.T) {
	host := editEnv(t)
	list := host + "/app:v1"
	img := func(arch string) (string, string) {
		ref := host + "/src:" + arch
		return ref, dig(t, writeImage(t, ref, v1.Platform{OS: "linux", Architecture: arch}, true))
	}
	amdRef, amd := img("amd64")
	armRef, arm := img("arm64")
	ppcRef, ppc := img("ppc64le")
	s390Ref, s390 := img("s390x")

	mustMF(t, "create", list, amdRef, armRef)
	mustMF(t, "push", list)

	// The user edits the staged list: an annotation, an added entry.
	mustMF(t, "annotate", list, "linux/arm64", "--annotation", "mine=yes")
	mustMF(t, "create", "--amend", list, s390Ref)

	// Meanwhile someone else amends the tag: amd64 out, ppc64le in.
	mustMF(t, "create", "--amend", "--name", "theirs", list, ppcRef)
	mustMF(t, "annotate", "theirs", "linux/amd64", "--remove")
	mustMF(t, "push", "theirs")

	code, _, errs := mf(t, "push", list)
	if code != exitTagMoved {
		t.Fatalf("push over the moved tag: exit %d\n%s", code, errs)
	}
	// Follow the advice exactly as printed.
	var advice []string
	for _, line := range strings.Split(errs, "\n") {
		if f := strings.Fields(line); len(f) > 2 && f[0] == "manifold" && f[1] == "staged" {
			advice = f[1:]
		}
	}
	if advice == nil {
		t.Fatalf("no command in the advice:\n%s", errs)
	}
	out := mustMF(t, advice...)
	for _, want := range []string{"kept your edit of linux/arm64", "kept your added linux/s390x", "dropped (removed from the tag since) linux/amd64",
		"diff against " + list + " now", "+ linux/s390x", "push it with: manifold push " + list} {
		if !strings.Contains(out, want) {
			t.Fatalf("rebase output lacks %q:\n%s", want, out)
		}
	}
	mustMF(t, "push", list)
	im, got, _ := readIndex(t, list)
	byDigest := map[string]int{}
	for i, m := range im.Manifests {
		byDigest[m.Digest.String()] = i
	}
	if _, ok := byDigest[amd]; ok {
		t.Errorf("the entry the other writer removed came back: %+v", got)
	}
	for what, d := range map[string]string{"arm64": arm, "ppc64le (theirs)": ppc, "s390x (mine)": s390} {
		if _, ok := byDigest[d]; !ok {
			t.Errorf("%s is missing from the pushed index: %+v", what, got)
		}
	}
	if i, ok := byDigest[arm]; !ok || im.Manifests[i].Annotations["mine"] != "yes" {
		t.Errorf("the user's annotation was lost: %+v", im.Manifests)
	}
	if len(im.Manifests) != 3 {
		t.Errorf("%d entries, want 3: %+v", len(im.Manifests), got)
	}
}

// create with no images is refused, as docker refuses it, and says how to
// start from the tag instead.
func TestCreateWithoutImagesIsRefused(t *testing.T) {
	host := editEnv(t)
	code, _, errs := mf(t, "create", host+"/app:v1")
	if code == 0 || !strings.Contains(errs, "give at least one IMAGE") {
		t.Fatalf("create without images: exit %d\n%s", code, errs)
	}
	if code, _, _ := mf(t, "staged", "show", host+"/app:v1"); code == 0 {
		t.Fatal("a list was staged anyway")
	}
}

// push --expect-digest pushes only the bytes --dry-run showed.
func TestPushExpectDigestRefusesOtherBytes(t *testing.T) {
	host := editEnv(t)
	list := host + "/app:v1"
	ref := host + "/src:amd64"
	writeImage(t, ref, v1.Platform{OS: "linux", Architecture: "amd64"}, true)
	mustMF(t, "create", list, ref)
	_, _, errs := mf(t, "push", list, "--dry-run")
	var reviewed string
	for _, line := range strings.Split(errs, "\n") {
		if d, ok := strings.CutPrefix(line, "digest: "); ok {
			reviewed = d
		}
	}
	if !strings.HasPrefix(reviewed, "sha256:") {
		t.Fatalf("--dry-run printed no digest:\n%s", errs)
	}
	// The list changes after the review.
	mustMF(t, "annotate", list, "linux/amd64", "--annotation", "late=change")
	code, _, errs := mf(t, "push", list, "--expect-digest", reviewed)
	if code == 0 || !strings.Contains(errs, "not the "+reviewed+" you reviewed") || !strings.Contains(errs, "--dry-run shows it again") {
		t.Fatalf("push of other bytes: exit %d\n%s", code, errs)
	}
	if _, err := remoteHead(t, list); err == nil {
		t.Fatal("the refused push wrote the tag")
	}
	if code, _, errs := mf(t, "push", list, "--expect-digest", "abc"); code == 0 || !strings.Contains(errs, "sha256:<64 hex digits>") {
		t.Fatalf("a malformed digest: exit %d\n%s", code, errs)
	}
	// The digest of what is staged now pushes, and is what the tag holds.
	_, _, errs = mf(t, "push", list, "--dry-run")
	for _, line := range strings.Split(errs, "\n") {
		if d, ok := strings.CutPrefix(line, "digest: "); ok {
			reviewed = d
		}
	}
	out := mustMF(t, "push", list, "--expect-digest", reviewed)
	if !strings.Contains(out, list+"@"+reviewed) {
		t.Fatalf("pushed %s, reviewed %s", out, reviewed)
	}
}

func remoteHead(t *testing.T, ref string) (string, error) {
	t.Helper()
	d, err := remote.Head(mustRef(t, ref))
	if err != nil {
		return "", err
	}
	return d.Digest.String(), nil
}
