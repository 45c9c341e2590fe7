package model

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func dg(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256:" + hex.EncodeToString(sum[:])
}

func plat(s string) *Platform {
	p, err := ParsePlatform(s)
	if err != nil {
		panic(err)
	}
	return &p
}

func img(name, p string) StagedEntry {
	return StagedEntry{
		Source: "localhost:5000/" + name + ":latest", Repository: "localhost:5000/" + name,
		Digest: dg(name), MediaType: MediaTypeDockerManifest, Size: 500,
		Platform: plat(p), ConfigPlatform: plat(p),
	}
}

func stagedAttestation(name, forDigest string) StagedEntry {
	return StagedEntry{
		Source: "localhost:5000/x@" + dg(name), Repository: "localhost:5000/x",
		Digest: dg(name), MediaType: MediaTypeOCIManifest, Size: 800,
		Platform:    &Platform{OS: "unknown", Architecture: "unknown"},
		Annotations: map[string]string{AnnotationReferenceType: ReferenceTypeAttestation, AnnotationReferenceDigest: forDigest},
	}
}

func TestEffectiveMediaType(t *testing.T) {
	l := &StagedList{Entries: []StagedEntry{img("a", "linux/amd64"), img("b", "linux/arm64")}}
	if got := l.EffectiveMediaType(); got != MediaTypeDockerList {
		t.Fatalf("docker children, no annotations: got %s", got)
	}
	l.Entries[1].MediaType = MediaTypeOCIManifest
	if got := l.EffectiveMediaType(); got != MediaTypeOCIIndex {
		t.Fatalf("an OCI child: got %s", got)
	}
	l.Entries[1].MediaType = MediaTypeDockerManifest
	l.Entries[0].Annotations = map[string]string{"k": "v"}
	if got := l.EffectiveMediaType(); got != MediaTypeOCIIndex {
		t.Fatalf("a descriptor annotation: got %s", got)
	}
	l.Entries[0].Annotations = nil
	l.Annotations = map[string]string{"org.opencontainers.image.source": "x"}
	if got := l.EffectiveMediaType(); got != MediaTypeOCIIndex {
		t.Fatalf("an index annotation: got %s", got)
	}
	l.MediaType = MediaTypeDockerList
	if got := l.EffectiveMediaType(); got != MediaTypeDockerList {
		t.Fatalf("override: got %s", got)
	}
}

func TestParseMediaTypeFlag(t *testing.T) {
	for in, want := range map[string]string{"oci": MediaTypeOCIIndex, "Docker": MediaTypeDockerList, "": "", "auto": ""} {
		got, err := ParseMediaTypeFlag(in)
		if err != nil || got != want {
			t.Errorf("%q: got %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseMediaTypeFlag("schema1"); err == nil {
		t.Error("schema1 accepted")
	}
}

func TestRenderDeterministicAndOrdered(t *testing.T) {
	l := &StagedList{
		Annotations: map[string]string{"z": "1", "a": "2"},
		Entries: []StagedEntry{
			img("b", "linux/arm64"), img("a", "linux/amd64"),
			img("w", "windows/amd64:10.0.20348.1"),
		},
	}
	l.Entries[0].Annotations = map[string]string{"y": "1", "b": "2"}
	raw1, d1, err := l.Render()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		raw2, d2, _ := l.Clone().Render()
		if string(raw1) != string(raw2) || d1 != d2 {
			t.Fatal("render is not deterministic")
		}
	}
	sum := sha256.Sum256(raw1)
	if d1 != "sha256:"+hex.EncodeToString(sum[:]) {
		t.Fatal("digest is not the sha256 of the bytes")
	}
	var idx struct {
		MediaType   string
		Manifests   []Descriptor
		Annotations map[string]string
	}
	if err := json.Unmarshal(raw1, &idx); err != nil {
		t.Fatal(err)
	}
	if idx.MediaType != MediaTypeOCIIndex || idx.Annotations["a"] != "2" {
		t.Fatalf("index: %+v", idx)
	}
	if len(idx.Manifests) != 3 || idx.Manifests[0].Digest != dg("b") || idx.Manifests[1].Digest != dg("a") {
		t.Fatalf("order not kept: %+v", idx.Manifests)
	}
	if p := idx.Manifests[2].Platform; p == nil || p.OS != "windows" || p.OSVersion != "10.0.20348.1" {
		t.Fatalf("windows platform: %+v", p)
	}
	// The renderer's output parses with the read path.
	descs, ann, err := ParseIndex(MediaTypeOCIIndex, raw1)
	if err != nil || len(descs) != 3 || ann["z"] != "1" {
		t.Fatalf("ParseIndex: %v %v %v", descs, ann, err)
	}
}

func TestRenderDockerDropsAnnotations(t *testing.T) {
	l := &StagedList{MediaType: MediaTypeDockerList, Annotations: map[string]string{"a": "b"},
		Entries: []StagedEntry{img("a", "linux/amd64")}}
	l.Entries[0].Annotations = map[string]string{"k": "v"}
	raw, _, err := l.Render()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "annotations") {
		t.Fatalf("docker list carries annotations:\n%s", raw)
	}
	if !strings.Contains(string(raw), MediaTypeDockerList) {
		t.Fatalf("media type missing:\n%s", raw)
	}
}

func TestRenderRejectsBadEntries(t *testing.T) {
	l := &StagedList{Entries: []StagedEntry{img("a", "linux/amd64")}}
	l.Entries[0].Digest = "sha256:zz"
	if _, _, err := l.Render(); err == nil {
		t.Fatal("bad digest rendered")
	}
	l.Entries[0].Digest = dg("a")
	l.Entries[0].Size = 0
	if _, _, err := l.Render(); err == nil {
		t.Fatal("zero size rendered")
	}
}

func TestCloneIsDeep(t *testing.T) {
	l := &StagedList{Annotations: map[string]string{"a": "1"}, Entries: []StagedEntry{img("a", "linux/amd64")}}
	c := l.Clone()
	c.Annotations["a"] = "2"
	c.Entries[0].Platform.OS = "windows"
	c.Entries[0].Source = "x"
	if l.Annotations["a"] != "1" || l.Entries[0].Platform.OS != "linux" || l.Entries[0].Source == "x" {
		t.Fatal("clone shares state with the original")
	}
}

func TestAddSkipsDuplicatesAndRemoveTakesAttestations(t *testing.T) {
	a := img("a", "linux/amd64")
	b := img("b", "linux/arm64")
	l := &StagedList{}
	if n := l.Add(a, stagedAttestation("att-a", a.Digest), b, a); n != 3 {
		t.Fatalf("added %d, want 3", n)
	}
	if n := l.Remove(0); n != 2 {
		t.Fatalf("removed %d, want 2 (image and its attestation)", n)
	}
	if len(l.Entries) != 1 || l.Entries[0].Digest != b.Digest {
		t.Fatalf("left: %+v", l.Entries)
	}
	if n := l.Remove(5); n != 0 {
		t.Fatal("out of range removed something")
	}
}

func TestAddReportNamesWhatItSkips(t *testing.T) {
	a := img("a", "linux/amd64")
	b := img("b", "linux/arm64")
	l := &StagedList{Name: "l"}
	l.Add(a)
	again := a
	again.Source = "localhost:5000/other:tag"
	n, skipped := l.AddReport(b, again, b)
	if n != 1 || len(l.Entries) != 2 {
		t.Fatalf("added %d, entries %d", n, len(l.Entries))
	}
	if len(skipped) != 2 || skipped[0].Existing != 0 || skipped[1].Existing != 1 {
		t.Fatalf("skipped %+v", skipped)
	}
	msg := skipped[0].Message(l)
	for _, want := range []string{"localhost:5000/other:tag", "entry 1", "localhost:5000/a:latest", "linux/amd64", "already"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if n, skipped := l.AddReport(); n != 0 || skipped != nil {
		t.Fatalf("empty add: %d %v", n, skipped)
	}
}

func TestFind(t *testing.T) {
	a := img("a", "linux/amd64")
	b := img("b", "linux/arm/v7")
	l := &StagedList{Name: "x", Entries: []StagedEntry{a, b, stagedAttestation("att", a.Digest)}}
	cases := map[string]int{
		a.Source:                   0,
		b.Ref():                    1,
		b.Digest:                   1,
		b.Digest[7:19]:             1,
		"linux/arm/v7":             1,
		"linux/armhf":              1, // normalised by containerd
		"other/repo@" + a.Digest:   0,
		"sha256:" + a.Digest[7:20]: 0,
	}
	for ref, want := range cases {
		got, err := l.Find(ref)
		if err != nil || got != want {
			t.Errorf("Find(%q) = %d, %v; want %d", ref, got, err, want)
		}
	}
	for _, bad := range []string{"linux/s390x", "nothing", "abc"} {
		if i, err := l.Find(bad); err == nil {
			t.Errorf("Find(%q) = %d, want error", bad, i)
		}
	}
}

func TestAnnotate(t *testing.T) {
	l := &StagedList{Entries: []StagedEntry{img("a", "linux/arm64")}}
	if err := l.Annotate(0, PlatformEdit{Architecture: "arm", Variant: "v7"}, map[string]string{"k": "v"}); err != nil {
		t.Fatal(err)
	}
	e := l.Entries[0]
	if e.Platform.String() != "linux/arm/v7" || e.Annotations["k"] != "v" {
		t.Fatalf("got %s %v", e.Platform, e.Annotations)
	}
	if e.ConfigPlatform.Architecture != "arm64" {
		t.Fatal("annotate changed the config platform")
	}
	if err := l.Annotate(0, PlatformEdit{OSFeatures: []string{"win32k"}}, map[string]string{"k": ""}); err != nil {
		t.Fatal(err)
	}
	if l.Entries[0].Annotations != nil || len(l.Entries[0].Platform.OSFeatures) != 1 {
		t.Fatalf("got %+v", l.Entries[0])
	}
	if err := l.Annotate(3, PlatformEdit{}, nil); err == nil {
		t.Fatal("annotating a missing entry succeeded")
	}
	bare := &StagedList{Entries: []StagedEntry{{Digest: dg("x"), Size: 1}}}
	if err := bare.Annotate(0, PlatformEdit{OS: "linux"}, nil); err == nil {
		t.Fatal("os without arch accepted")
	}
	if err := bare.Annotate(0, PlatformEdit{}, map[string]string{"": "v"}); err == nil {
		t.Fatal("empty annotation key accepted")
	}
}

func TestParseAnnotations(t *testing.T) {
	m, err := ParseAnnotations([]string{"a=b=c", "d="})
	if err != nil || m["a"] != "b=c" || m["d"] != "" || len(m) != 2 {
		t.Fatalf("%v %v", m, err)
	}
	if _, err := ParseAnnotations([]string{"novalue"}); err == nil {
		t.Fatal("accepted a pair without =")
	}
}

func indexTree() *Tree {
	amd := &Entry{Descriptor: Descriptor{MediaType: MediaTypeOCIManifest, Digest: dg("amd"), Size: 100, Platform: plat("linux/amd64")},
		Image: &Image{Config: &Config{OS: "linux", Architecture: "amd64"}}}
	arm := &Entry{Descriptor: Descriptor{MediaType: MediaTypeOCIManifest, Digest: dg("arm"), Size: 100, Platform: plat("linux/arm64")}}
	attAmd := &Entry{Descriptor: Descriptor{MediaType: MediaTypeOCIManifest, Digest: dg("att-amd"), Size: 50,
		Platform:    &Platform{OS: "unknown", Architecture: "unknown"},
		Annotations: map[string]string{AnnotationReferenceType: ReferenceTypeAttestation, AnnotationReferenceDigest: dg("amd")}}}
	attArm := &Entry{Descriptor: Descriptor{MediaType: MediaTypeOCIManifest, Digest: dg("att-arm"), Size: 50,
		Platform:    &Platform{OS: "unknown", Architecture: "unknown"},
		Annotations: map[string]string{AnnotationReferenceType: ReferenceTypeAttestation, AnnotationReferenceDigest: dg("arm")}}}
	// BuildKit order: images first, attestations after.
	return &Tree{Reference: "localhost:5000/src:v1", Repository: "localhost:5000/src", Digest: dg("idx"),
		MediaType: MediaTypeOCIIndex, Annotations: map[string]string{"org.opencontainers.image.created": "now"},
		Entries: []*Entry{amd, arm, attAmd, attArm}}
}

func TestExpandIndexKeepsAttestationsWithTheirImage(t *testing.T) {
	tr := indexTree()
	all := ExpandIndex(tr, nil)
	want := []string{dg("amd"), dg("att-amd"), dg("arm"), dg("att-arm")}
	if len(all) != len(want) {
		t.Fatalf("got %d entries", len(all))
	}
	for i, e := range all {
		if e.Digest != want[i] {
			t.Fatalf("entry %d: got %s want %s", i, e.Digest, want[i])
		}
		if e.Repository != tr.Repository || e.Ref() != tr.Repository+"@"+e.Digest {
			t.Fatalf("entry %d repository: %s", i, e.Ref())
		}
	}
	if all[0].ConfigPlatform == nil || all[0].ConfigPlatform.Architecture != "amd64" {
		t.Fatal("config platform not taken from the fetched image")
	}
	if !all[1].IsAttestation() {
		t.Fatal("attestation lost its annotations")
	}
	one := ExpandIndex(tr, func(e *Entry) bool { return e.Platform.Architecture == "arm64" })
	if len(one) != 2 || one[0].Digest != dg("arm") || one[1].Digest != dg("att-arm") {
		t.Fatalf("pick arm64: %+v", one)
	}
	if _, err := EntriesFromTree("x", tr, func(*Entry) bool { return false }); err == nil {
		t.Fatal("empty pick accepted")
	}
}

func TestEntriesFromSingleImage(t *testing.T) {
	tr := &Tree{Repository: "localhost:5000/a", MediaType: MediaTypeDockerManifest,
		Image: &Image{Digest: dg("a"), MediaType: MediaTypeDockerManifest, Size: 321, Config: &Config{OS: "linux", Architecture: "arm", Variant: "v6"}}}
	es, err := EntriesFromTree("localhost:5000/a:arm", tr, nil)
	if err != nil {
		t.Fatal(err)
	}
	e := es[0]
	if len(es) != 1 || e.Digest != dg("a") || e.Size != 321 || e.Platform.String() != "linux/arm/v6" || e.ConfigPlatform.String() != "linux/arm/v6" {
		t.Fatalf("%+v", e)
	}
	e.Platform.Variant = "v7"
	if es[0].ConfigPlatform.Variant != "v6" {
		t.Fatal("platform and config platform share memory")
	}
	if _, err := EntriesFromTree("x", &Tree{MediaType: "text/plain"}, nil); err == nil {
		t.Fatal("a tree without image accepted")
	}
}

func TestStagedFromTreeKeepsEverything(t *testing.T) {
	tr := indexTree()
	l, err := StagedFromTree("n", "localhost:5000/src:v1", tr)
	if err != nil {
		t.Fatal(err)
	}
	if l.Base != tr.Digest || l.MediaType != MediaTypeOCIIndex || l.Annotations["org.opencontainers.image.created"] != "now" || len(l.Entries) != 4 {
		t.Fatalf("%+v", l)
	}
	d := Diff(tr, l)
	for _, c := range d.Changes {
		if c.Kind != Unchanged {
			t.Fatalf("unchanged amend shows a change: %+v", c)
		}
	}
	if _, err := StagedFromTree("n", "t", &Tree{MediaType: MediaTypeDockerManifest}); err == nil {
		t.Fatal("amending a single image accepted")
	}
}

// bigList is a list of n platform images, each with an attestation.
func bigList(n int) *StagedList {
	l := &StagedList{Target: "localhost:5000/app:v1", Annotations: map[string]string{"org.opencontainers.image.source": "x"}}
	for i := 0; i < n; i++ {
		e := img(fmt.Sprintf("img%d", i), "linux/amd64")
		e.Platform = &Platform{OS: "linux", Architecture: "amd64", OSVersion: fmt.Sprint(i)}
		l.Entries = append(l.Entries, e, stagedAttestation(fmt.Sprintf("att%d", i), e.Digest))
	}
	return l
}

// BenchmarkStagedList measures what the staging pane does on every edit of
// a 200-entry list: render, validate and diff against the pushed tag.
func BenchmarkStagedList(b *testing.B) {
	l := bigList(100)
	cur := &Tree{Digest: dg("cur"), MediaType: MediaTypeOCIIndex}
	for _, e := range l.Entries {
		cur.Entries = append(cur.Entries, &Entry{Descriptor: Descriptor{MediaType: e.MediaType, Digest: e.Digest, Size: e.Size, Platform: e.Platform, Annotations: e.Annotations}})
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := l.Render(); err != nil {
			b.Fatal(err)
		}
		l.Validate()
		Diff(cur, l)
	}
}
