package model

import (
	"strings"
	"testing"
)

func treeOf(mt string, es ...StagedEntry) *Tree {
	t := &Tree{Digest: dg("current"), MediaType: mt, Repository: "localhost:5000/app"}
	for _, e := range es {
		t.Entries = append(t.Entries, &Entry{Descriptor: Descriptor{MediaType: e.MediaType, Digest: e.Digest, Size: e.Size, Platform: clonePlatform(e.Platform), Annotations: cloneMap(e.Annotations)}})
	}
	return t
}

func kinds(d ListDiff) []string {
	var out []string
	for _, c := range d.Changes {
		out = append(out, c.Kind.String()+" "+c.Platform())
	}
	return out
}

func TestDiffNewTag(t *testing.T) {
	l := &StagedList{Entries: []StagedEntry{img("a", "linux/amd64")}}
	d := Diff(nil, l)
	if d.Current != "" || len(d.Changes) != 1 || d.Changes[0].Kind != Added || d.Empty() {
		t.Fatalf("%+v", d)
	}
	if !strings.Contains(strings.Join(d.Lines(), "\n"), "new tag") {
		t.Fatalf("lines: %v", d.Lines())
	}
	_, want, _ := l.Render()
	if d.New != want {
		t.Fatal("diff does not carry the rendered digest")
	}
}

func TestDiffKinds(t *testing.T) {
	amd, arm, ppc := img("amd", "linux/amd64"), img("arm", "linux/arm64"), img("ppc", "linux/ppc64le")
	cur := treeOf(MediaTypeDockerList, amd, arm, ppc)

	newArm := img("arm2", "linux/arm64")
	amdRelabel := amd
	amdRelabel.Platform = plat("linux/amd64/v3")
	s390 := img("s390", "linux/s390x")
	l := &StagedList{Entries: []StagedEntry{amdRelabel, newArm, s390}}
	d := Diff(cur, l)
	got := strings.Join(kinds(d), ", ")
	want := "changed linux/amd64/v3, re-pointed linux/arm64, added linux/s390x, removed linux/ppc64le"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	a, r, rp, c := d.Counts()
	if a != 1 || r != 1 || rp != 1 || c != 1 {
		t.Fatalf("counts %d %d %d %d", a, r, rp, c)
	}
	if !strings.Contains(d.Changes[1].Details[0], "→") {
		t.Fatalf("re-point details: %v", d.Changes[1].Details)
	}
	if d.Empty() {
		t.Fatal("diff with changes is empty")
	}
}

func TestDiffAnnotationsAndMediaType(t *testing.T) {
	a := img("a", "linux/amd64")
	cur := treeOf(MediaTypeDockerList, a)
	a2 := a
	a2.Annotations = map[string]string{"org.opencontainers.image.title": "x"}
	l := &StagedList{Entries: []StagedEntry{a2}, Annotations: map[string]string{"k": "v"}}
	d := Diff(cur, l)
	if d.MediaType != "Docker list → OCI index" {
		t.Fatalf("media type change: %q", d.MediaType)
	}
	if len(d.Annotations) != 1 || d.Annotations[0] != "+k=v" {
		t.Fatalf("index annotations: %v", d.Annotations)
	}
	if d.Changes[0].Kind != Changed || !strings.Contains(strings.Join(d.Changes[0].Details, ";"), "+org.opencontainers.image.title=x") {
		t.Fatalf("entry: %+v", d.Changes[0])
	}
	// Forced to Docker, the annotations are not pushed, so not a change.
	l.MediaType = MediaTypeDockerList
	d = Diff(cur, l)
	if d.MediaType != "" || len(d.Annotations) != 0 || d.Changes[0].Kind != Unchanged {
		t.Fatalf("docker list diff: %+v", d)
	}
}

func TestDiffUnchangedIsEmpty(t *testing.T) {
	a, b := img("a", "linux/amd64"), img("b", "linux/arm64")
	l := &StagedList{Entries: []StagedEntry{a, b}}
	cur := treeOf(MediaTypeDockerList, a, b)
	d := Diff(cur, l)
	if !d.Empty() {
		t.Fatalf("not empty: %v", d.Lines())
	}
	raw, dgst, _ := l.Render()
	_ = raw
	cur.Digest = dgst
	if !Diff(cur, l).Empty() {
		t.Fatal("same digest is not empty")
	}
}

func TestDiffAttestationsMatchByDigestOnly(t *testing.T) {
	a := img("a", "linux/amd64")
	att1, att2 := stagedAttestation("att1", a.Digest), stagedAttestation("att2", a.Digest)
	cur := treeOf(MediaTypeOCIIndex, a, att1)
	l := &StagedList{Entries: []StagedEntry{a, att2}}
	got := strings.Join(kinds(Diff(cur, l)), ", ")
	if got != "unchanged linux/amd64, added unknown/unknown, removed unknown/unknown" {
		t.Fatalf("got %s", got)
	}
	lines := strings.Join(Diff(cur, l).Lines(), "\n")
	if strings.Count(lines, "(attestation)") != 2 {
		t.Fatalf("attestations not marked:\n%s", lines)
	}
}

func TestDiffSingleImageTag(t *testing.T) {
	cur := &Tree{Digest: dg("single"), MediaType: MediaTypeDockerManifest}
	l := &StagedList{Entries: []StagedEntry{img("a", "linux/amd64")}}
	d := Diff(cur, l)
	if !d.NotIndex || d.Changes[0].Kind != Added || !strings.Contains(d.Lines()[0], "replaces single image") {
		t.Fatalf("%+v", d)
	}
}

// TestDiffSeesOSFeatures: an entry whose only change is its os.features (or
// features) is changed, and the diff names them; the push rewrites the index,
// so the diff must never say "no change".
func TestDiffSeesOSFeatures(t *testing.T) {
	win := img("win", "windows/amd64:10.0.17763.1")
	win.Platform.OSFeatures = []string{"win32k"}
	amd := img("amd", "linux/amd64")
	cur := treeOf(MediaTypeDockerList, win, amd)
	cur.Digest = dg("other")

	dropped := win
	dropped.Platform = plat("windows/amd64:10.0.17763.1")
	withFeat := amd
	withFeat.Platform = plat("linux/amd64")
	withFeat.Platform.Features = []string{"sse4"}
	d := Diff(cur, &StagedList{Entries: []StagedEntry{dropped, withFeat}})
	if d.Empty() {
		t.Fatalf("os.features dropped, but the diff is empty: %v", d.Lines())
	}
	lines := strings.Join(d.Lines(), "\n")
	if d.Changes[0].Kind != Changed || !strings.Contains(lines, "windows/amd64:10.0.17763.1 (os.features win32k) → windows/amd64:10.0.17763.1") {
		t.Fatalf("os.features change not shown:\n%s", lines)
	}
	if d.Changes[1].Kind != Changed || !strings.Contains(lines, "linux/amd64 → linux/amd64 (features sse4)") {
		t.Fatalf("features change not shown:\n%s", lines)
	}
	if strings.Contains(lines, "no change") {
		t.Fatalf("says no change:\n%s", lines)
	}
	// The same os.features in another order is another index too.
	w2 := win
	w2.Platform = plat("windows/amd64:10.0.17763.1")
	w2.Platform.OSFeatures = []string{"b", "a"}
	w1 := win
	w1.Platform = plat("windows/amd64:10.0.17763.1")
	w1.Platform.OSFeatures = []string{"a", "b"}
	if d := Diff(treeOf(MediaTypeDockerList, w1), &StagedList{Entries: []StagedEntry{w2}}); d.Changes[0].Kind != Changed {
		t.Fatalf("reordered os.features: %v", d.Lines())
	}
}
