package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	// docker's own encoder: `docker manifest push` builds its list with
	// these types (docker/cli vendors distribution v2.8). Test-only.
	"github.com/charmbracelet/x/exp/golden"
	"github.com/docker/distribution"
	"github.com/docker/distribution/manifest/manifestlist"
	digest "github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go"
	v1 "github.com/opencontainers/image-spec/specs-go/v1"
)

func hexDigest(n int) string { return fmt.Sprintf("sha256:%064x", n) }

// renderEntries are the entries `docker manifest create` + `annotate` would
// hold for a Linux + Windows list: platforms as read from the configs, with
// a variant, an os.version and os.features set by annotate.
func renderEntries() []StagedEntry {
	return []StagedEntry{
		{Digest: hexDigest(1), MediaType: MediaTypeDockerManifest, Size: 528, Platform: &Platform{OS: "linux", Architecture: "amd64"}},
		{Digest: hexDigest(2), MediaType: MediaTypeDockerManifest, Size: 1052, Platform: &Platform{OS: "linux", Architecture: "arm", Variant: "v7"}},
		{Digest: hexDigest(3), MediaType: MediaTypeDockerManifest, Size: 743, Platform: &Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}},
		{Digest: hexDigest(4), MediaType: MediaTypeDockerManifest, Size: 2931, Platform: &Platform{OS: "windows", Architecture: "amd64", OSVersion: "10.0.20348.2113", OSFeatures: []string{"win32k"}}},
		{Digest: hexDigest(5), MediaType: MediaTypeOCIManifest, Size: 1600, Platform: &Platform{OS: "linux", Architecture: "s390x"}},
	}
}

// dockerBytes is what docker's encoder writes for the entries.
func dockerBytes(t *testing.T, entries []StagedEntry) []byte {
	t.Helper()
	var descs []manifestlist.ManifestDescriptor
	for _, e := range entries {
		p := e.Platform
		descs = append(descs, manifestlist.ManifestDescriptor{
			Descriptor: distribution.Descriptor{MediaType: e.MediaType, Size: e.Size, Digest: digest.Digest(e.Digest)},
			Platform: manifestlist.PlatformSpec{Architecture: p.Architecture, OS: p.OS, OSVersion: p.OSVersion,
				OSFeatures: p.OSFeatures, Variant: p.Variant, Features: p.Features},
		})
	}
	dl, err := manifestlist.FromDescriptors(descs)
	if err != nil {
		t.Fatal(err)
	}
	_, raw, err := dl.Payload()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestDockerListIsByteForByteWhatDockerWrites(t *testing.T) {
	entries := renderEntries()
	l := &StagedList{Name: "x", Target: "r/x:1", MediaType: MediaTypeDockerList, Entries: entries}
	got, dg, err := l.Render()
	if err != nil {
		t.Fatal(err)
	}
	want := dockerBytes(t, entries)
	if !bytes.Equal(got, want) {
		t.Fatalf("manifold wrote\n%s\ndocker writes\n%s", got, want)
	}
	if dg != string(digest.FromBytes(want)) {
		t.Fatalf("digest %s, docker's bytes hash to %s", dg, digest.FromBytes(want))
	}
	// The bytes, kept as a golden file produced by docker's encoder: a
	// reviewer sees them, and they stay if the encoder import goes.
	golden.RequireEqual(t, want)
	// features are carried too, in the encoder's place.
	entries[0].Platform.Features = []string{"sse4"}
	l.Entries = entries
	got, _, _ = l.Render()
	if want := dockerBytes(t, entries); !bytes.Equal(got, want) {
		t.Fatalf("with features: manifold wrote\n%s\ndocker writes\n%s", got, want)
	}
	// An automatic Docker list (all children Docker) is the same bytes.
	auto := &StagedList{Name: "x", Target: "r/x:1", Entries: renderEntries()[:4]}
	got, _, _ = auto.Render()
	if want := dockerBytes(t, renderEntries()[:4]); !bytes.Equal(got, want) {
		t.Fatalf("auto: manifold wrote\n%s\ndocker writes\n%s", got, want)
	}
}

// ociIndexBytes is the index as the image-spec's own Go types write it,
// indented as manifold indents.
func ociIndexBytes(t *testing.T, idx v1.Index) []byte {
	t.Helper()
	raw, err := json.MarshalIndent(idx, "", "   ")
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestOCIIndexFollowsTheImageSpecFieldOrder(t *testing.T) {
	subject := v1.Descriptor{MediaType: v1.MediaTypeImageManifest, Digest: digest.Digest(hexDigest(9)), Size: 99}
	subjectRaw, _ := json.Marshal(subject)
	l := &StagedList{Name: "x", Target: "r/x:1", MediaType: MediaTypeOCIIndex,
		ArtifactType: "application/vnd.example.bundle", Subject: subjectRaw,
		Annotations: map[string]string{"org.opencontainers.image.source": "https://git.example/app", "a": "1"}}
	idx := v1.Index{Versioned: ocispec.Versioned{SchemaVersion: 2}, MediaType: v1.MediaTypeImageIndex,
		ArtifactType: l.ArtifactType, Subject: &subject, Annotations: l.Annotations}
	for i, e := range renderEntries() {
		e.MediaType = MediaTypeOCIManifest
		if i == 1 {
			e.Annotations = map[string]string{"org.opencontainers.image.title": "arm", "z": "last"}
		}
		if i == 2 {
			e.ArtifactType = "application/vnd.example.thing"
		}
		l.Entries = append(l.Entries, e)
		p := e.Platform
		idx.Manifests = append(idx.Manifests, v1.Descriptor{MediaType: e.MediaType, Digest: digest.Digest(e.Digest), Size: e.Size,
			Annotations: e.Annotations, ArtifactType: e.ArtifactType,
			Platform: &v1.Platform{Architecture: p.Architecture, OS: p.OS, OSVersion: p.OSVersion, OSFeatures: p.OSFeatures, Variant: p.Variant}})
	}
	got, _, err := l.Render()
	if err != nil {
		t.Fatal(err)
	}
	if want := ociIndexBytes(t, idx); !bytes.Equal(got, want) {
		t.Fatalf("manifold wrote\n%s\nimage-spec types write\n%s", got, want)
	}
}

// podmanIndex is an index as podman and buildah write it: compact JSON,
// annotations before platform, os.features, urls and data on entries, an
// unknown field, and the index's artifactType, subject and an unknown field.
func podmanIndex(f *fxStore) ([]byte, []Descriptor) {
	amd := f.image(MediaTypeOCIManifest, nil, Platform{OS: "linux", Architecture: "amd64"})
	win := f.image(MediaTypeOCIManifest, nil, Platform{OS: "windows", Architecture: "amd64", OSVersion: "10.0.17763.1"})
	un := f.image(MediaTypeOCIManifest, nil, Platform{OS: "linux", Architecture: "arm64"})
	raw := `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","artifactType":"application/vnd.example.set",` +
		`"manifests":[` +
		`{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"` + amd.Digest + `","size":` + fmt.Sprint(amd.Size) +
		`,"annotations":{"z.last":"1","a.first":"2"},"platform":{"architecture":"amd64","os":"linux","os.features":["sse4"]},"urls":["https://mirror.example/amd"],"x-vendor":{"k":[1,2]}},` +
		`{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"` + win.Digest + `","size":` + fmt.Sprint(win.Size) +
		`,"platform":{"architecture":"amd64","os":"windows","os.version":"10.0.17763.1","os.features":["win32k"]},"data":"e30="},` +
		`{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"` + un.Digest + `","size":` + fmt.Sprint(un.Size) +
		`,"annotations":{"org.opencontainers.image.ref.name":"arm"},"platform":{"architecture":"arm64","os":"linux","variant":"v8"}}` +
		`],"subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"` + hexDigest(7) + `","size":7},` +
		`"annotations":{"org.opencontainers.image.created":"2024-05-01T10:00:00Z"},"io.podman.extra":true}`
	return []byte(raw), []Descriptor{amd, win, un}
}

func TestAmendKeepsWhatManifoldDoesNotModel(t *testing.T) {
	f := newFxStore(t)
	raw, _ := podmanIndex(f)
	root := f.putRaw(MediaTypeOCIIndex, raw)
	tree, err := Build("r/app:1", "r/app", root.Digest, f.s)
	if err != nil {
		t.Fatal(err)
	}
	l, err := StagedFromTree("r/app:1", "r/app:1", tree)
	if err != nil {
		t.Fatal(err)
	}
	// Unedited, the list is the index it was read from, field for field.
	got, _, err := l.Render()
	if err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, got, raw)

	// Add one entry, as create --amend does.
	extra := f.image(MediaTypeOCIManifest, nil, Platform{OS: "linux", Architecture: "ppc64le"})
	l.Add(StagedEntry{Source: "r/app:ppc", Repository: "r/app", Digest: extra.Digest, MediaType: extra.MediaType, Size: extra.Size,
		Platform: &Platform{OS: "linux", Architecture: "ppc64le"}})
	got, _, err = l.Render()
	if err != nil {
		t.Fatal(err)
	}
	before, after := topFields(t, raw), topFields(t, got)
	for k, v := range before {
		if k == "manifests" {
			continue
		}
		if !bytes.Equal(compact(t, after[k]), compact(t, v)) {
			t.Errorf("index field %s: before %s, after %s", k, v, after[k])
		}
	}
	var bm, am []json.RawMessage
	json.Unmarshal(before["manifests"], &bm)
	json.Unmarshal(after["manifests"], &am)
	if len(am) != len(bm)+1 {
		t.Fatalf("%d entries after adding one to %d", len(am), len(bm))
	}
	for i := range bm {
		// Byte for byte: field order and annotation order as given.
		if !bytes.Equal(compact(t, am[i]), compact(t, bm[i])) {
			t.Errorf("entry %d changed:\nbefore %s\nafter  %s", i, bm[i], am[i])
		}
	}

	// Editing one entry keeps its unmodelled fields; the others stay as read.
	if err := l.Annotate(0, PlatformEdit{Variant: "v3"}, nil); err != nil {
		t.Fatal(err)
	}
	got, _, _ = l.Render()
	after = topFields(t, got)
	json.Unmarshal(after["manifests"], &am)
	e0 := topFields(t, am[0])
	for _, k := range []string{"urls", "x-vendor", "annotations"} {
		if !bytes.Equal(compact(t, e0[k]), compact(t, topFields(t, bm[0])[k])) {
			t.Errorf("edited entry lost %s: %s", k, am[0])
		}
	}
	if pl := string(compact(t, e0["platform"])); !strings.Contains(pl, `"variant":"v3"`) || !strings.Contains(pl, `"os.features":["sse4"]`) {
		t.Errorf("edited platform: %s", e0["platform"])
	}
	if !bytes.Equal(compact(t, am[1]), compact(t, bm[1])) {
		t.Errorf("entry 2 changed when entry 1 was edited: %s", am[1])
	}

	// As a Docker list the index's artifactType and subject, and the entries'
	// annotations and data, cannot be carried: validation says so.
	l.MediaType = MediaTypeDockerList
	codes := map[string]bool{}
	for _, fd := range l.Validate() {
		codes[fd.Code] = true
	}
	for _, c := range []string{"dropped-index-fields", "dropped-annotations"} {
		if !codes[c] {
			t.Errorf("Docker list of a podman index: no %s finding in %v", c, l.Validate())
		}
	}
	got, _, _ = l.Render()
	for _, gone := range []string{"subject", "artifactType", "annotations", `"data"`} {
		if strings.Contains(string(got), gone) {
			t.Errorf("Docker list carries %s:\n%s", gone, got)
		}
	}
	if !strings.Contains(string(got), "urls") || !strings.Contains(string(got), "io.podman.extra") {
		t.Errorf("Docker list lost urls or unknown fields:\n%s", got)
	}
}

func topFields(t *testing.T, raw []byte) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	return m
}

func compact(t *testing.T, raw []byte) []byte {
	t.Helper()
	if raw == nil {
		return nil
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	return b.Bytes()
}

func assertSameJSON(t *testing.T, got, want []byte) {
	t.Helper()
	if !bytes.Equal(compact(t, got), compact(t, want)) {
		t.Fatalf("got\n%s\nwant\n%s", compact(t, got), compact(t, want))
	}
}

// TestDiffSaysWhatADockerListDrops: turning a podman index into a Docker
// list shows the artifactType and subject going in the diff, before the push.
func TestDiffSaysWhatADockerListDrops(t *testing.T) {
	f := newFxStore(t)
	raw, _ := podmanIndex(f)
	root := f.putRaw(MediaTypeOCIIndex, raw)
	tree, err := Build("r/app:1", "r/app", root.Digest, f.s)
	if err != nil {
		t.Fatal(err)
	}
	l, _ := StagedFromTree("r/app:1", "r/app:1", tree)
	if d := Diff(tree, l); !d.Empty() || len(d.IndexFields) != 0 {
		t.Fatalf("unchanged list: %v", d.Lines())
	}
	l.MediaType = MediaTypeDockerList
	lines := strings.Join(Diff(tree, l).Lines(), "\n")
	for _, want := range []string{"~ index artifactType application/vnd.example.set → (none)", "~ index subject sha256:" + hexDigest(7)[7:19] + " → (none)"} {
		if !strings.Contains(lines, want) {
			t.Errorf("diff lacks %q:\n%s", want, lines)
		}
	}
}

// TestAmendedDockerListAsOCIFollowsTheSpecOrder: an untouched entry is kept
// as read only within its own format; turned into an OCI index, a Docker
// list's entries are written in the image-spec order, unknown fields kept.
func TestAmendedDockerListAsOCIFollowsTheSpecOrder(t *testing.T) {
	f := newFxStore(t)
	amd := f.img(MediaTypeDockerManifest, "linux/amd64")
	raw := `{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[` +
		`{"mediaType":"` + amd.MediaType + `","size":` + fmt.Sprint(amd.Size) + `,"digest":"` + amd.Digest + `","platform":{"architecture":"amd64","os":"linux"},"x-k":1}]}`
	root := f.putRaw(MediaTypeDockerList, []byte(raw))
	tree, err := Build("r/app:1", "r/app", root.Digest, f.s)
	if err != nil {
		t.Fatal(err)
	}
	l, _ := StagedFromTree("r/app:1", "r/app:1", tree)
	got, _, _ := l.Render()
	assertSameJSON(t, got, []byte(raw))
	l.MediaType = MediaTypeOCIIndex
	got, _, _ = l.Render()
	want := `{"mediaType":"` + amd.MediaType + `","digest":"` + amd.Digest + `","size":` + fmt.Sprint(amd.Size) + `,"platform":{"architecture":"amd64","os":"linux"},"x-k":1}`
	if !strings.Contains(string(compact(t, got)), want) {
		t.Fatalf("as OCI:\n%s\nwant entry %s", compact(t, got), want)
	}
}

// FuzzStagedFromIndexRenders: whatever index a registry serves, staging it
// unchanged renders JSON that keeps every descriptor's digest, in order, and
// never panics.
func FuzzStagedFromIndexRenders(f *testing.F) {
	fx := newFxStore(f)
	raw, _ := podmanIndex(fx)
	f.Add(raw)
	f.Add([]byte(`{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[{"mediaType":"a","size":1,"digest":"` + hexDigest(1) + `","platform":{"os":"linux","architecture":"amd64"},"urls":null}],"x":{"y":[1,{"z":null}]}}`))
	f.Add([]byte(`{"schemaVersion":2,"manifests":[{"digest":"` + hexDigest(2) + `","size":3,"annotations":{},"platform":null,"k":"v","k":"w"}],"subject":null,"annotations":{"b":"1","a":"2"}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		mt := DetectMediaType("", raw)
		if !IsIndexMediaType(mt) {
			return
		}
		s := Store{}
		d := fxDigest(raw)
		s[d] = Content{MediaType: mt, Raw: raw}
		tree, err := Build("r/app:1", "r/app", d, s)
		if err != nil {
			return
		}
		l, err := StagedFromTree("r/app:1", "r/app:1", tree)
		if err != nil {
			return
		}
		out, _, err := l.Render()
		if err != nil {
			return // e.g. a size that is not positive: refused, not pushed
		}
		var back struct {
			Manifests []struct {
				Digest string `json:"digest"`
			} `json:"manifests"`
		}
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("rendered JSON does not parse: %v\n%s", err, out)
		}
		if len(back.Manifests) != len(tree.Entries) {
			t.Fatalf("%d entries rendered of %d", len(back.Manifests), len(tree.Entries))
		}
		for i, e := range tree.Entries {
			if back.Manifests[i].Digest != e.Digest {
				t.Fatalf("entry %d: %s rendered as %s", i, e.Digest, back.Manifests[i].Digest)
			}
		}
	})
}

func TestDuplicateKeysAreNeverWrittenBack(t *testing.T) {
	for raw, want := range map[string]bool{
		`{"a":1,"b":2}`:                     false,
		`{"a":1,"a":2}`:                     true,
		`{"a":{"x":1,"x":2}}`:               true,
		`{"a":[{"x":1},{"x":2}],"b":{}}`:    false,
		`{"a":[{"x":1,"y":{"x":1}}],"x":1}`: false,
		`[{"k":1},{"k":2,"k":3}]`:           true,
	} {
		if got := hasDuplicateKeys([]byte(raw)); got != want {
			t.Errorf("%s: %v, want %v", raw, got, want)
		}
	}
	e := StagedEntry{Digest: hexDigest(2), MediaType: MediaTypeOCIManifest, Size: 3,
		Descriptor: json.RawMessage(`{"mediaType":"` + MediaTypeOCIManifest + `","digest":"` + hexDigest(1) + `","digest":"` + hexDigest(2) + `","size":3}`)}
	l := &StagedList{MediaType: MediaTypeOCIIndex, Entries: []StagedEntry{e}}
	got, _, _ := l.Render()
	if strings.Count(string(got), `"digest"`) != 1 || !strings.Contains(string(got), hexDigest(2)) {
		t.Fatalf("a descriptor with two digests was written back:\n%s", got)
	}
}

// TestNestedEntryKeepsItsDescriptor: an entry of a nested index, staged on
// its own, keeps the fields manifold does not model.
func TestNestedEntryKeepsItsDescriptor(t *testing.T) {
	f := newFxStore(t)
	amd := f.img(MediaTypeOCIManifest, "linux/amd64")
	inner := `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"` + amd.MediaType +
		`","digest":"` + amd.Digest + `","size":` + fmt.Sprint(amd.Size) + `,"urls":["https://m.example/a"],"platform":{"architecture":"amd64","os":"linux"}}]}`
	in := f.putRaw(MediaTypeOCIIndex, []byte(inner))
	root := f.index(MediaTypeOCIIndex, nil, in)
	tree := mustBuild(t, root, f.s)
	child := tree.Entries[0].Children[0]
	e := EntryFromTreeEntry(tree, child)
	if !strings.Contains(string(e.Descriptor), "m.example") || e.DescriptorIn != MediaTypeOCIIndex {
		t.Fatalf("nested entry: %s %q", e.Descriptor, e.DescriptorIn)
	}
	if top := EntryFromTreeEntry(tree, tree.Entries[0]); len(top.Descriptor) == 0 {
		t.Fatal("top-level entry lost its descriptor")
	}
}
