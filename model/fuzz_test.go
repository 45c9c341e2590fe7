package model

import (
	"encoding/json"
	"testing"
)

// Fuzz targets for every parser of registry data. Seeds live in
// testdata/fuzz/FuzzX/ and in the f.Add calls below; scripts/fuzz.sh runs
// them all.

// fuzzSeeds are realistic manifests of every kind, built like the fixtures.
func fuzzSeeds(f *testing.F) (index, dockerList, image, config []byte) {
	fx := newFxStore(f)
	a := fx.img(MediaTypeOCIManifest, "linux/amd64")
	b := fx.img(MediaTypeOCIManifest, "linux/arm/v7")
	w := fx.img(MediaTypeOCIManifest, "windows/amd64:10.0.20348.2113")
	idx := fx.index(MediaTypeOCIIndex, map[string]string{"org.opencontainers.image.created": "2024"}, a, b, w, fx.attestation(a))
	dl := fx.index(MediaTypeDockerList, nil, fx.img(MediaTypeDockerManifest, "linux/arm64/v8"))
	im := fx.s[a.Digest]
	var m rawManifest
	if err := json.Unmarshal(im.Raw, &m); err != nil {
		f.Fatal(err)
	}
	return fx.s[idx.Digest].Raw, fx.s[dl.Digest].Raw, im.Raw, fx.s[m.Config.Digest].Raw
}

func FuzzParseIndex(f *testing.F) {
	idx, dl, im, _ := fuzzSeeds(f)
	f.Add(MediaTypeOCIIndex, idx)
	f.Add(MediaTypeDockerList, dl)
	f.Add(MediaTypeOCIIndex, im)
	f.Add(MediaTypeSchema1, []byte(`{"schemaVersion":1,"fsLayers":[]}`))
	f.Add("", []byte(`{"schemaVersion":2,"manifests":[{"digest":"sha256:x","size":-1}]}`))
	f.Fuzz(func(t *testing.T, mt string, raw []byte) {
		descs, _, err := ParseIndex(mt, raw)
		if err != nil {
			if descs != nil {
				t.Fatalf("error %v with descriptors", err)
			}
			return
		}
		for i, d := range descs {
			if ValidateDigest(d.Digest) != nil || d.Size < 0 {
				t.Fatalf("accepted bad descriptor %d: %+v", i, d)
			}
		}
	})
}

func FuzzParseImage(f *testing.F) {
	idx, _, im, _ := fuzzSeeds(f)
	f.Add(MediaTypeOCIManifest, im)
	f.Add(MediaTypeDockerManifest, im)
	f.Add(MediaTypeOCIManifest, idx)
	f.Add(MediaTypeOCIManifest, []byte(`{"schemaVersion":2,"config":{"digest":"sha256:00"}}`))
	f.Fuzz(func(t *testing.T, mt string, raw []byte) {
		d := fxDigest(raw)
		got, err := ParseImage(d, mt, raw)
		if err != nil {
			return
		}
		if got.Digest != d || got.Size != int64(len(raw)) || string(got.Raw) != string(raw) {
			t.Fatalf("image does not describe its bytes: %+v", got)
		}
		if ValidateDigest(got.ConfigDescriptor.Digest) != nil {
			t.Fatalf("accepted bad config digest %q", got.ConfigDescriptor.Digest)
		}
		if got.TotalSize() < 0 {
			t.Fatalf("negative total size %d", got.TotalSize())
		}
	})
}

func FuzzParseConfig(f *testing.F) {
	_, _, _, cfg := fuzzSeeds(f)
	f.Add(cfg)
	f.Add([]byte(`{"os":"linux","created":"not a time","config":{"ExposedPorts":{"80/tcp":{}}}}`))
	f.Add([]byte(`{"created":12}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		c, err := ParseConfig(raw)
		if err != nil {
			return
		}
		// Whatever parsed must render as JSON for `inspect -o json`.
		if _, err := json.Marshal(c); err != nil {
			t.Fatalf("parsed config does not marshal: %v", err)
		}
	})
}

func FuzzDetectMediaType(f *testing.F) {
	idx, dl, im, _ := fuzzSeeds(f)
	f.Add("application/json", idx)
	f.Add("", dl)
	f.Add("application/octet-stream", im)
	f.Add("application/vnd.oci.image.index.v1+json; charset=utf-8", []byte(`{`))
	f.Add("", []byte(`{"schemaVersion":1}`))
	f.Fuzz(func(t *testing.T, header string, raw []byte) {
		mt := DetectMediaType(header, raw)
		// Detection is a function of its input.
		if again := DetectMediaType(header, raw); again != mt {
			t.Fatalf("not deterministic: %q then %q", mt, again)
		}
	})
}

func FuzzParsePlatform(f *testing.F) {
	for _, s := range []string{"linux/amd64", "linux/arm/v7", "linux/arm64/v8", "windows(10.0.20348)/amd64",
		"windows/amd64:10.0.20348", "windows(10.0.17763+win32k)/amd64", "Linux/x86_64", "linux/aarch64",
		"linux/armhf", "linux", "amd64", "linux/amd64:", "windows(1%2F2)/amd64", "a/b/c/d", "linux/amd64/v3:x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePlatform(s)
		if err != nil {
			return
		}
		if p.OS == "" || p.Architecture == "" {
			t.Fatalf("ParsePlatform(%q) = %+v: empty os or arch", s, p)
		}
		// What we print must parse back to the same platform.
		q, err := ParsePlatform(p.String())
		if err != nil {
			t.Fatalf("ParsePlatform(%q) = %q, which does not parse: %v", s, p.String(), err)
		}
		if q.String() != p.String() {
			t.Fatalf("round trip of %q: %q then %q", s, p.String(), q.String())
		}
		// A parsed host must be usable with containerd (no panic).
		if _, err := Resolve(&Tree{MediaType: MediaTypeOCIIndex}, p); err != nil {
			t.Fatalf("resolve on an empty index: %v", err)
		}
	})
}

// FuzzBuild feeds arbitrary content to the fetch-plan/assemble loop: the
// root, the first child manifest and every config come from the fuzzer,
// other children are missing. The loop must end, and Build must not panic.
func FuzzBuild(f *testing.F) {
	idx, dl, im, cfg := fuzzSeeds(f)
	f.Add(idx, im, cfg)
	f.Add(dl, idx, cfg)
	f.Add(idx, idx, []byte(`{`))
	f.Add(im, im, cfg)
	f.Fuzz(func(t *testing.T, root, child, config []byte) {
		store := Store{}
		rd := fxDigest(root)
		store[rd] = Content{MediaType: DetectMediaType("", root), Raw: root}
		gaveChild := false
		for round := 0; ; round++ {
			wants := Needed(rd, store, true)
			if len(wants) == 0 {
				break
			}
			if round > MaxDepth+2 {
				t.Fatalf("fetch plan did not end after %d rounds", round)
			}
			for _, w := range wants {
				if _, dup := store[w.Digest]; dup {
					t.Fatalf("Needed asked again for %s", w.Digest)
				}
				switch {
				case w.Kind == WantBlob:
					store[w.Digest] = Content{MediaType: w.MediaType, Raw: config}
				case !gaveChild:
					gaveChild = true
					store[w.Digest] = Content{MediaType: DetectMediaType(w.MediaType, child), Raw: child}
				default:
					store[w.Digest] = Content{NotFound: true}
				}
			}
		}
		tr, err := Build("r/x:1", "r/x", rd, store)
		if err != nil {
			return
		}
		PlatformList(tr)
		if r, err := Resolve(tr, Platform{OS: "linux", Architecture: "amd64"}); err == nil && r.Entry != nil && r.Entry.IsAttestation() {
			t.Fatalf("resolved to an attestation: %+v", r.Entry)
		}
		if _, err := json.Marshal(NewJSONView(tr, true)); err != nil {
			t.Fatalf("json view: %v", err)
		}
	})
}
