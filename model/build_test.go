package model

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// fetchAll runs the fetch-plan loop the way registry.Client.Tree does, with
// every wanted digest taken from have (absent → NotFound). It returns the
// rounds: the digests asked for in each.
func fetchAll(t *testing.T, root string, have Store, configs bool) (Store, [][]string) {
	t.Helper()
	store := Store{root: have[root]}
	var rounds [][]string
	for {
		wants := Needed(root, store, configs)
		if len(wants) == 0 {
			return store, rounds
		}
		if len(rounds) > 10 {
			t.Fatalf("fetch plan does not end: %v", rounds)
		}
		var round []string
		for _, w := range wants {
			if _, again := store[w.Digest]; again {
				t.Fatalf("Needed asked again for %s", w.Digest)
			}
			round = append(round, w.Digest)
			c, ok := have[w.Digest]
			if !ok {
				c = Content{NotFound: true}
			}
			store[w.Digest] = c
		}
		rounds = append(rounds, round)
	}
}

func TestBuildDockerList(t *testing.T) {
	fx := newFxStore(t)
	amd := fx.img(MediaTypeDockerManifest, "linux/amd64")
	arm := fx.img(MediaTypeDockerManifest, "linux/arm/v7")
	root := fx.index(MediaTypeDockerList, nil, amd, arm)
	store, _ := fetchAll(t, root.Digest, fx.s, true)
	tr := mustBuild(t, root, store)

	if !tr.IsIndex() || tr.MediaType != MediaTypeDockerList || tr.Digest != root.Digest || tr.Size != root.Size {
		t.Fatalf("top level = %s %s %d, want the list %s", tr.MediaType, tr.Digest, tr.Size, root.Digest)
	}
	if string(tr.Raw) != string(fx.s[root.Digest].Raw) {
		t.Fatal("Raw is not the registry's bytes")
	}
	if len(tr.Entries) != 2 {
		t.Fatalf("%d entries, want 2", len(tr.Entries))
	}
	for i, want := range []Descriptor{amd, arm} {
		e := tr.Entries[i]
		if e.Digest != want.Digest || e.Size != want.Size || e.MediaType != MediaTypeDockerManifest {
			t.Errorf("entry %d = %s, want %s (index order kept)", i, e.Digest, want.Digest)
		}
		if e.Image == nil || e.Image.Config == nil {
			t.Fatalf("entry %d: image or config not attached: %+v", i, e)
		}
		if e.Image.Config.Platform().String() != want.Platform.String() {
			t.Errorf("entry %d config platform %s, want %s", i, e.Image.Config.Platform(), want.Platform)
		}
		if e.Mismatch != "" || e.Err != "" || e.Missing || e.IsAttestation() {
			t.Errorf("entry %d flagged: %+v", i, e)
		}
	}
	cfg := tr.Entries[1].Image.Config
	if cfg.Created == nil || cfg.Created.Year() != 2024 {
		t.Errorf("created = %v", cfg.Created)
	}
	if !reflect.DeepEqual(cfg.ExposedPorts, []string{"443/tcp", "8080/tcp"}) {
		t.Errorf("exposed ports = %v, want sorted", cfg.ExposedPorts)
	}
	if len(cfg.Entrypoint) != 1 || cfg.Labels["org.opencontainers.image.title"] != "app" || len(cfg.History) != 1 || len(cfg.DiffIDs) != 1 {
		t.Errorf("config fields lost: %+v", cfg)
	}
	if got := tr.Entries[0].Image.TotalSize(); got != tr.Entries[0].Image.ConfigDescriptor.Size+1234 {
		t.Errorf("TotalSize = %d", got)
	}
}

func TestBuildOCIIndexWithAttestations(t *testing.T) {
	fx := newFxStore(t)
	amd := fx.img(MediaTypeOCIManifest, "linux/amd64")
	arm := fx.img(MediaTypeOCIManifest, "linux/arm64")
	attAmd, attArm := fx.attestation(amd), fx.attestation(arm)
	ann := map[string]string{"org.opencontainers.image.source": "https://example.com/app"}
	root := fx.index(MediaTypeOCIIndex, ann, amd, arm, attAmd, attArm)
	store, _ := fetchAll(t, root.Digest, fx.s, true)
	tr := mustBuild(t, root, store)

	if tr.Annotations["org.opencontainers.image.source"] != "https://example.com/app" {
		t.Errorf("index annotations = %v", tr.Annotations)
	}
	byDigest := map[string]*Entry{}
	for _, e := range tr.Entries {
		byDigest[e.Digest] = e
	}
	for img, att := range map[string]string{amd.Digest: attAmd.Digest, arm.Digest: attArm.Digest} {
		a := byDigest[att]
		if !a.IsAttestation() || a.AttestationFor != img {
			t.Errorf("attestation %s: AttestationFor = %q, want %s", att, a.AttestationFor, img)
		}
		if got := byDigest[img].Attestations; !reflect.DeepEqual(got, []string{att}) {
			t.Errorf("image %s: Attestations = %v, want [%s]", img, got, att)
		}
		if byDigest[img].IsAttestation() {
			t.Errorf("image %s marked as attestation", img)
		}
		// unknown/unknown must not be flagged as a platform mismatch, and
		// its in-toto config is kept raw, not parsed as an image config.
		if a.Mismatch != "" || a.Err != "" || a.Image == nil || a.Image.ConfigRaw == nil || a.Image.Config != nil {
			t.Errorf("attestation entry = %+v", a)
		}
	}
	plats, natt := PlatformList(tr)
	if natt != 2 || len(plats) != 2 || plats[0].String() != "linux/amd64" || plats[1].String() != "linux/arm64" {
		t.Errorf("PlatformList = %v, %d attestations", plats, natt)
	}
}

func TestBuildAttestationForUnknownImage(t *testing.T) {
	fx := newFxStore(t)
	other := fx.img(MediaTypeOCIManifest, "linux/s390x") // not in the index
	amd := fx.img(MediaTypeOCIManifest, "linux/amd64")
	root := fx.index(MediaTypeOCIIndex, nil, amd, fx.attestation(other))
	tr := mustBuild(t, root, fx.s)
	if tr.Entries[1].AttestationFor != other.Digest || len(tr.Entries[0].Attestations) != 0 {
		t.Errorf("dangling attestation linked wrongly: %+v / %+v", tr.Entries[0], tr.Entries[1])
	}
}

func TestNeededRounds(t *testing.T) {
	fx := newFxStore(t)
	a := fx.img(MediaTypeOCIManifest, "linux/amd64")
	b := fx.img(MediaTypeOCIManifest, "linux/arm64")
	att := fx.attestation(a)
	root := fx.index(MediaTypeOCIIndex, nil, a, b, att)

	// Without configs: one round, the children.
	_, rounds := fetchAll(t, root.Digest, fx.s, false)
	if len(rounds) != 1 || !sameSet(rounds[0], []string{a.Digest, b.Digest, att.Digest}) {
		t.Fatalf("manifests only: rounds = %v", rounds)
	}
	// With configs: children, then every config at once.
	store, rounds := fetchAll(t, root.Digest, fx.s, true)
	if len(rounds) != 2 {
		t.Fatalf("rounds = %d, want 2 (children, configs): %v", len(rounds), rounds)
	}
	var configs []string
	for _, d := range []Descriptor{a, b, att} {
		im, err := ParseImage(d.Digest, d.MediaType, store[d.Digest].Raw)
		if err != nil {
			t.Fatal(err)
		}
		configs = append(configs, im.ConfigDescriptor.Digest)
	}
	if !sameSet(rounds[1], configs) {
		t.Errorf("round 2 = %v, want the configs %v", rounds[1], configs)
	}
	// A single manifest: its config in one round.
	_, rounds = fetchAll(t, a.Digest, fx.s, true)
	if len(rounds) != 1 || len(rounds[0]) != 1 {
		t.Errorf("single image rounds = %v", rounds)
	}
	// Nothing to fetch for an absent or broken root.
	if w := Needed("sha256:"+strings.Repeat("0", 64), fx.s, true); len(w) != 0 {
		t.Errorf("absent root wants %v", w)
	}
}

func TestNeededSkipsDuplicatesAndUnknownTypes(t *testing.T) {
	fx := newFxStore(t)
	a := fx.img(MediaTypeOCIManifest, "linux/amd64")
	dup := a
	dup.Platform = &Platform{OS: "linux", Architecture: "amd64", Variant: "v2"}
	layer := Descriptor{MediaType: "application/vnd.oci.image.layer.v1.tar", Digest: fxDigest([]byte("l")), Size: 1}
	root := fx.index(MediaTypeOCIIndex, nil, a, dup, layer)
	w := Needed(root.Digest, Store{root.Digest: fx.s[root.Digest]}, false)
	if len(w) != 1 || w[0].Digest != a.Digest || w[0].Kind != WantManifest {
		t.Errorf("Needed = %+v, want only %s once", w, a.Digest)
	}
}

func TestBuildNestedIndex(t *testing.T) {
	fx := newFxStore(t)
	amd := fx.img(MediaTypeOCIManifest, "linux/amd64")
	arm := fx.img(MediaTypeOCIManifest, "linux/arm/v6")
	inner := fx.index(MediaTypeOCIIndex, map[string]string{"inner": "yes"}, arm)
	root := fx.index(MediaTypeOCIIndex, nil, amd, inner)
	store, rounds := fetchAll(t, root.Digest, fx.s, true)
	if len(rounds) != 3 {
		t.Errorf("nested rounds = %d, want 3 (children, grandchild+config, config): %v", len(rounds), rounds)
	}
	tr := mustBuild(t, root, store)
	n := tr.Entries[1]
	if !n.IsIndex() || len(n.Children) != 1 || n.Children[0].Digest != arm.Digest || n.NestedAnnotations["inner"] != "yes" {
		t.Fatalf("nested entry = %+v", n)
	}
	if n.Children[0].Image == nil || n.Children[0].Image.Config == nil {
		t.Error("nested child's image/config not attached")
	}
	c := Candidates(tr)
	if len(c) != 2 || c[0].Digest != amd.Digest || c[1].Digest != arm.Digest {
		t.Errorf("Candidates flattened wrongly: %v", c)
	}
}

func TestBuildNestedDepthLimit(t *testing.T) {
	fx := newFxStore(t)
	leaf := fx.img(MediaTypeOCIManifest, "linux/amd64")
	d := leaf
	var chain []Descriptor
	for i := 0; i < MaxDepth+2; i++ {
		d = fx.index(MediaTypeOCIIndex, map[string]string{"level": fmt.Sprint(i)}, d)
		chain = append(chain, d)
	}
	root := chain[len(chain)-1]
	store, rounds := fetchAll(t, root.Digest, fx.s, true)
	if len(rounds) > MaxDepth {
		t.Errorf("fetched %d rounds past a depth limit of %d", len(rounds), MaxDepth)
	}
	tr := mustBuild(t, root, store)
	depth := 1
	e := tr.Entries[0]
	for len(e.Children) > 0 {
		e = e.Children[0]
		depth++
	}
	if depth > MaxDepth || !strings.Contains(e.Err, "nested deeper") {
		t.Errorf("deepest entry at depth %d: err %q", depth, e.Err)
	}
}

func TestBuildSelfReferringIndex(t *testing.T) {
	// A digest cannot name its own bytes, but a store can be wrong (or a
	// registry lie): an index whose entry is served as the index itself.
	fx := newFxStore(t)
	amd := fx.img(MediaTypeOCIManifest, "linux/amd64")
	fake := Descriptor{MediaType: MediaTypeOCIIndex, Digest: fxDigest([]byte("self")), Size: 10}
	raw := fx.s[fx.index(MediaTypeOCIIndex, nil, amd, fake).Digest].Raw
	fx.s[fake.Digest] = Content{MediaType: MediaTypeOCIIndex, Raw: raw}
	store, _ := fetchAll(t, fake.Digest, fx.s, true)
	tr := mustBuild(t, fake, store)
	if len(tr.Entries) != 2 || !strings.Contains(tr.Entries[1].Err, "cycle") || len(tr.Entries[1].Children) != 0 {
		t.Fatalf("cycle not marked: %+v", tr.Entries[1])
	}
	if tr.Entries[0].Image == nil || tr.Entries[0].Image.Config == nil {
		t.Error("the rest of the tree did not load")
	}
}

func TestBuildMissingChild(t *testing.T) {
	fx := newFxStore(t)
	amd := fx.img(MediaTypeOCIManifest, "linux/amd64")
	arm := fx.img(MediaTypeOCIManifest, "linux/arm64")
	root := fx.index(MediaTypeOCIIndex, nil, amd, arm)
	delete(fx.s, amd.Digest)
	store, _ := fetchAll(t, root.Digest, fx.s, true)
	tr := mustBuild(t, root, store)
	if e := tr.Entries[0]; !e.Missing || e.Image != nil || !strings.Contains(e.Err, "404") {
		t.Errorf("missing child = %+v", e)
	}
	if e := tr.Entries[1]; e.Missing || e.Image == nil || e.Image.Config == nil {
		t.Errorf("the rest did not load: %+v", e)
	}
	// Resolution skips nothing silently: the missing entry still answers
	// by its descriptor (a host would try it and fail), so it is chosen.
	r, err := Resolve(tr, Platform{OS: "linux", Architecture: "amd64"})
	if err != nil || r.Entry != tr.Entries[0] {
		t.Errorf("resolve linux/amd64 = %+v, %v", r, err)
	}
}

func TestBuildMissingConfigAndFetchError(t *testing.T) {
	fx := newFxStore(t)
	amd := fx.img(MediaTypeOCIManifest, "linux/amd64")
	arm := fx.img(MediaTypeOCIManifest, "linux/arm64")
	root := fx.index(MediaTypeOCIIndex, nil, amd, arm)
	im, _ := ParseImage(amd.Digest, amd.MediaType, fx.s[amd.Digest].Raw)
	delete(fx.s, im.ConfigDescriptor.Digest)
	store, _ := fetchAll(t, root.Digest, fx.s, true)
	store[arm.Digest] = Content{Err: errors.New("fetch: 500 Internal Server Error")}
	tr := mustBuild(t, root, store)
	if e := tr.Entries[0]; e.Image == nil || e.Image.Config != nil || !strings.Contains(e.Image.ConfigErr, "404") {
		t.Errorf("missing config = %+v", e.Image)
	}
	if e := tr.Entries[1]; e.Missing || !strings.Contains(e.Err, "500") {
		t.Errorf("fetch error = %+v", e)
	}
}

func TestBuildPlatformMismatch(t *testing.T) {
	fx := newFxStore(t)
	arm64 := Platform{OS: "linux", Architecture: "arm64"}
	bad := fx.image(MediaTypeOCIManifest, &arm64, Platform{OS: "linux", Architecture: "amd64"})
	v8 := Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}
	ok := fx.image(MediaTypeOCIManifest, &v8, arm64) // default variant: the same
	armv7 := Platform{OS: "linux", Architecture: "arm", Variant: "v7"}
	armv6 := fx.image(MediaTypeOCIManifest, &armv7, Platform{OS: "linux", Architecture: "arm", Variant: "v6"})
	root := fx.index(MediaTypeOCIIndex, nil, bad, ok, armv6)
	store, _ := fetchAll(t, root.Digest, fx.s, true)
	tr := mustBuild(t, root, store)
	if m := tr.Entries[0].Mismatch; !strings.Contains(m, "linux/arm64") || !strings.Contains(m, "linux/amd64") || !strings.Contains(m, "exec format error") {
		t.Errorf("arch mismatch = %q", m)
	}
	if m := tr.Entries[1].Mismatch; m != "" {
		t.Errorf("arm64/v8 vs arm64 flagged: %q", m)
	}
	if m := tr.Entries[2].Mismatch; !strings.Contains(m, "linux/arm/v6") {
		t.Errorf("variant mismatch = %q", m)
	}
}

func TestBuildEntryWithoutPlatform(t *testing.T) {
	fx := newFxStore(t)
	noPlat := fx.image(MediaTypeOCIManifest, nil, Platform{OS: "linux", Architecture: "riscv64"})
	amd := fx.img(MediaTypeOCIManifest, "linux/amd64")
	root := fx.index(MediaTypeOCIIndex, nil, noPlat, amd)
	store, _ := fetchAll(t, root.Digest, fx.s, true)
	tr := mustBuild(t, root, store)
	e := tr.Entries[0]
	if e.Platform != nil || e.Err != "" || e.Mismatch != "" || e.Image == nil {
		t.Errorf("entry without platform = %+v", e)
	}
	// containerd reads its platform from the config.
	r, err := Resolve(tr, Platform{OS: "linux", Architecture: "riscv64"})
	if err != nil || r.Entry != e || r.Platform.Architecture != "riscv64" {
		t.Errorf("resolve by config = %+v, %v", r, err)
	}
	if plats, _ := PlatformList(tr); len(plats) != 2 || plats[0].String() != "linux/riscv64" {
		t.Errorf("PlatformList = %v, want the config's platform first", plats)
	}
	// Without its config it cannot be chosen.
	tr = mustBuild(t, root, Store{root.Digest: fx.s[root.Digest]})
	r, err = Resolve(tr, Platform{OS: "linux", Architecture: "riscv64"})
	if err != nil || r.Entry != nil {
		t.Errorf("resolve without config = %+v, %v", r, err)
	}
}

func TestBuildSingleImage(t *testing.T) {
	fx := newFxStore(t)
	a := fx.img(MediaTypeDockerManifest, "linux/arm/v7")
	store, rounds := fetchAll(t, a.Digest, fx.s, true)
	if len(rounds) != 1 {
		t.Errorf("rounds = %v", rounds)
	}
	tr := mustBuild(t, a, store)
	if tr.IsIndex() || tr.Image == nil || tr.Image.Config == nil || len(tr.Entries) != 0 {
		t.Fatalf("single image tree = %+v", tr)
	}
	plats, _ := PlatformList(tr)
	if len(plats) != 1 || plats[0].String() != "linux/arm/v7" {
		t.Errorf("PlatformList = %v", plats)
	}
	r, err := Resolve(tr, Platform{OS: "linux", Architecture: "arm", Variant: "v8"})
	if err != nil || r.Digest != a.Digest || r.Reference != "example.com/app@"+a.Digest {
		t.Errorf("resolve arm/v8 on arm/v7 image = %+v, %v", r, err)
	}
	r, err = Resolve(tr, Platform{OS: "linux", Architecture: "amd64"})
	if err != nil || r.Digest != "" {
		t.Errorf("resolve amd64 on arm image = %+v, %v", r, err)
	}
	// Without the config the answer is unknown, and said so.
	tr = mustBuild(t, a, Store{a.Digest: fx.s[a.Digest]})
	if _, err := Resolve(tr, Platform{OS: "linux", Architecture: "arm"}); err == nil || !strings.Contains(err.Error(), "config was not fetched") {
		t.Errorf("resolve without config: %v", err)
	}
}

func TestBuildSchema1(t *testing.T) {
	s1 := []byte(`{"schemaVersion":1,"name":"library/x","tag":"1","fsLayers":[{"blobSum":"sha256:aa"}]}`)
	d := fxDigest(s1)
	for _, mt := range []string{MediaTypeSchema1Signed, MediaTypeSchema1, DetectMediaType("application/json", s1)} {
		_, err := Build("r/x:1", "r/x", d, Store{d: {MediaType: mt, Raw: s1}})
		if !errors.Is(err, ErrSchema1) {
			t.Errorf("%s: err = %v, want ErrSchema1", mt, err)
		}
	}
	// A schema1 child marks its entry, the rest builds.
	fx := newFxStore(t)
	child := fx.putRaw(MediaTypeSchema1Signed, s1)
	amd := fx.img(MediaTypeOCIManifest, "linux/amd64")
	child.Platform = &Platform{OS: "linux", Architecture: "386"}
	root := fx.index(MediaTypeDockerList, nil, child, amd)
	store, _ := fetchAll(t, root.Digest, fx.s, true)
	tr := mustBuild(t, root, store)
	if !strings.Contains(tr.Entries[0].Err, "schema 1") || tr.Entries[1].Image == nil {
		t.Errorf("schema1 child: %+v / %+v", tr.Entries[0], tr.Entries[1])
	}
	// A child that claims schema 2 but is served as schema 1.
	liar := child
	liar.MediaType = MediaTypeDockerManifest
	root = fx.index(MediaTypeDockerList, nil, liar)
	store, _ = fetchAll(t, root.Digest, fx.s, true)
	store[liar.Digest] = Content{MediaType: DetectMediaType("application/json", s1), Raw: s1}
	tr = mustBuild(t, root, store)
	if !strings.Contains(tr.Entries[0].Err, "schema 1") {
		t.Errorf("schema1 served for a schema2 descriptor: %q", tr.Entries[0].Err)
	}
}

func TestBuildMalformed(t *testing.T) {
	bad := map[string][]byte{
		"truncated":     []byte(`{"schemaVersion":2,"manifests":[`),
		"not json":      []byte("<html>502 Bad Gateway</html>"),
		"bad digest":    []byte(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"digest":"sha256:XYZ","size":1}]}`),
		"negative size": []byte(`{"schemaVersion":2,"manifests":[{"digest":"sha256:` + strings.Repeat("a", 64) + `","size":-5}]}`),
		"schema 3":      []byte(`{"schemaVersion":3,"manifests":[]}`),
		"image as list": []byte(`{"schemaVersion":2,"config":{"digest":"sha256:` + strings.Repeat("a", 64) + `","size":1}}`),
	}
	for name, raw := range bad {
		d := fxDigest(raw)
		_, err := Build("r/x:1", "r/x", d, Store{d: {MediaType: MediaTypeOCIIndex, Raw: raw}})
		if err == nil {
			t.Errorf("%s: Build succeeded", name)
		} else if !strings.HasPrefix(err.Error(), "r/x:1: ") {
			t.Errorf("%s: error lacks the reference: %v", name, err)
		}
	}
	// A malformed child marks only its entry.
	fx := newFxStore(t)
	junk := fx.putRaw(MediaTypeOCIManifest, []byte(`{"schemaVersion":2,"config":`))
	junk.Platform = &Platform{OS: "linux", Architecture: "arm64"}
	amd := fx.img(MediaTypeOCIManifest, "linux/amd64")
	root := fx.index(MediaTypeOCIIndex, nil, junk, amd)
	tr := mustBuild(t, root, fx.s)
	if !strings.Contains(tr.Entries[0].Err, "malformed") || tr.Entries[1].Image == nil {
		t.Errorf("malformed child: %+v", tr.Entries[0])
	}
	// A child whose served type differs from its descriptor is flagged.
	other := fx.img(MediaTypeOCIManifest, "linux/ppc64le")
	other.MediaType = MediaTypeDockerManifest
	root = fx.index(MediaTypeOCIIndex, nil, other)
	tr = mustBuild(t, root, fx.s)
	if !strings.Contains(tr.Entries[0].Err, "descriptor says") {
		t.Errorf("media type disagreement not flagged: %q", tr.Entries[0].Err)
	}
	// Root problems are errors.
	d := fxDigest([]byte("x"))
	if _, err := Build("r", "r", d, Store{}); err == nil {
		t.Error("unfetched root: no error")
	}
	if _, err := Build("r", "r", d, Store{d: {NotFound: true}}); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("missing root: %v", err)
	}
	if _, err := Build("r", "r", d, Store{d: {MediaType: "application/vnd.example+json", Raw: []byte("{}")}}); err == nil || !strings.Contains(err.Error(), "unsupported media type") {
		t.Errorf("unknown root type: %v", err)
	}
}

func TestDetectMediaType(t *testing.T) {
	cases := []struct {
		header, raw, want string
	}{
		{"application/json", `{"schemaVersion":2,"mediaType":"` + MediaTypeDockerList + `","manifests":[]}`, MediaTypeDockerList},
		{"application/json", `{"schemaVersion":2,"manifests":[]}`, MediaTypeOCIIndex},
		{"", `{"schemaVersion":2,"config":{}}`, MediaTypeOCIManifest},
		{MediaTypeDockerManifest, `{"schemaVersion":2,"config":{}}`, MediaTypeDockerManifest},
		{"application/json", `{"schemaVersion":1,"fsLayers":[]}`, MediaTypeSchema1},
		{"text/html; charset=utf-8", `<html>`, "text/html"},
	}
	for _, c := range cases {
		if got := DetectMediaType(c.header, []byte(c.raw)); got != c.want {
			t.Errorf("DetectMediaType(%q, %s) = %q, want %q", c.header, c.raw, got, c.want)
		}
	}
}

func TestParseConfigTolerant(t *testing.T) {
	c, err := ParseConfig([]byte(`{"os":"linux","architecture":"amd64","created":"yesterday","config":{},
		"history":[{"created":"last week","created_by":"RUN x"},{"created":"0001-01-01T00:00:00Z"},{"created":"2024-01-02T03:04:05Z","empty_layer":true}]}`))
	if err != nil || c.Created != nil {
		t.Fatalf("odd created: %+v, %v", c, err)
	}
	if len(c.History) != 3 || c.History[0].Created != nil || c.History[0].CreatedBy != "RUN x" || c.History[1].Created != nil ||
		c.History[2].Created == nil || c.History[2].Created.Year() != 2024 || !c.History[2].EmptyLayer {
		t.Errorf("history = %+v", c.History)
	}
	if _, err := ParseConfig([]byte(`{"os":`)); err == nil {
		t.Error("truncated config parsed")
	}
}

func TestTotalSizeSaturates(t *testing.T) {
	big := int64(1) << 62
	im := &Image{ConfigDescriptor: Descriptor{Size: big}, Layers: []Descriptor{{Size: big}, {Size: big}, {Size: -7}}}
	if got := im.TotalSize(); got <= 0 {
		t.Errorf("TotalSize = %d, want saturated", got)
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, s := range a {
		m[s]++
	}
	for _, s := range b {
		m[s]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}
