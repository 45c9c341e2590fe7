package model

import (
	"strings"
	"testing"
)

// readmeSpec is the example of manifest-tool's README, with its registry
// replaced.
const readmeSpec = `image: myprivreg:5000/someimage:latest
tags: ['1.0', 'v1']
manifests:
  -
    image: myprivreg:5000/someimage:ppc64le
    platform:
      architecture: ppc64le
      os: linux
  -
    image: myprivreg:5000/someimage:amd64
    platform:
      architecture: amd64
      features:
        - sse
      os: linux
  -
    image: myprivreg:5000/someimage:s390x
    platform:
      architecture: s390x
      os: linux
  -
    image: myprivreg:5000/someimage:arm
    platform:
      architecture: arm
      os: linux
      variant: armv7l
  -
    image: myprivreg:5000/someimage:windows-amd64
    platform:
      architecture: amd64
      os: windows
      osversion: "10.0.14393.0"
      osfeatures:
        - win32k
`

func TestParseSpecReadme(t *testing.T) {
	s, err := ParseSpec([]byte(readmeSpec))
	if err != nil {
		t.Fatal(err)
	}
	if s.Image != "myprivreg:5000/someimage:latest" || strings.Join(s.Tags, ",") != "1.0,v1" || len(s.Manifests) != 5 {
		t.Fatalf("%+v", s)
	}
	w := s.Manifests[4].Platform
	if w.OS != "windows" || w.OSVersion != "10.0.14393.0" || len(w.OSFeatures) != 1 {
		t.Fatalf("windows: %+v", w)
	}
	if f := s.Manifests[1].Platform.Features; len(f) != 1 || f[0] != "sse" {
		t.Fatalf("features: %v", f)
	}
}

func TestParseSpecErrors(t *testing.T) {
	bad := map[string]string{
		"no image":     "manifests:\n  - image: a/b:c\n",
		"no manifests": "image: a/b:c\n",
		"typo field":   "image: a/b:c\nmanifests:\n  - image: a/b:d\n    platform:\n      osVersion: 1\n      os: windows\n      architecture: amd64\n",
		"half plat":    "image: a/b:c\nmanifests:\n  - image: a/b:d\n    platform:\n      os: linux\n",
		"half arch":    "image: a/b:c\nmanifests:\n  - image: a/b:d\n    platform:\n      architecture: arm\n      variant: v7\n",
		"bad tag":      "image: a/b:c\ntags: ['x/y']\nmanifests:\n  - image: a/b:d\n",
		"entry image":  "image: a/b:c\nmanifests:\n  - platform: {os: linux, architecture: amd64}\n",
		"not yaml":     "image: [\n",
	}
	for name, in := range bad {
		if _, err := ParseSpec([]byte(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestExportSpecRoundTrip(t *testing.T) {
	a := img("a", "linux/amd64")
	w := img("w", "windows/amd64:10.0.20348.1")
	w.Platform.OSFeatures = []string{"win32k"}
	l := &StagedList{Target: "localhost:5000/app:v1", Entries: []StagedEntry{a, stagedAttestation("att", a.Digest), w}}
	raw, skipped, err := ExportSpec(l, []string{"latest"})
	if err != nil {
		t.Fatal(err)
	}
	if skipped != 1 {
		t.Fatalf("skipped %d attestations, want 1", skipped)
	}
	s, err := ParseSpec(raw)
	if err != nil {
		t.Fatalf("exported spec does not parse: %v\n%s", err, raw)
	}
	if s.Image != l.Target || len(s.Manifests) != 2 || s.Manifests[0].Image != a.Ref() || s.Tags[0] != "latest" {
		t.Fatalf("%+v", s)
	}
	// Applying the exported platforms rebuilds the same list bytes.
	rebuilt := &StagedList{Target: s.Image}
	for i, m := range s.Manifests {
		e := l.Entries[[]int{0, 2}[i]]
		e.Platform = nil
		if cs, err := MergeSpecPlatform(&e, m.Platform); err != nil || len(cs) > 0 {
			t.Fatal(err, cs)
		}
		rebuilt.Entries = append(rebuilt.Entries, e)
	}
	want := &StagedList{Entries: []StagedEntry{a, w}}
	r1, d1, _ := rebuilt.Render()
	_, d2, _ := want.Render()
	if d1 != d2 {
		t.Fatalf("round trip changed the list:\n%s", r1)
	}
}

// TestMergeSpecPlatformAsManifestTool: fields the spec leaves out come from
// the image config (variant, os.version, os.features), the spec's values
// win, and contradictions name both values.
func TestMergeSpecPlatformAsManifestTool(t *testing.T) {
	win := img("w", "windows/amd64:10.0.20348.2113")
	win.ConfigPlatform.OSFeatures = []string{"win32k"}
	cs, err := MergeSpecPlatform(&win, SpecPlatform{OS: "windows", Architecture: "amd64"})
	if err != nil || len(cs) != 0 {
		t.Fatal(err, cs)
	}
	if got := win.Platform; got.String() != "windows/amd64:10.0.20348.2113" || strings.Join(got.OSFeatures, ",") != "win32k" {
		t.Fatalf("windows entry without osversion: %+v", got)
	}
	arm := img("a", "linux/arm/v7")
	if cs, err := MergeSpecPlatform(&arm, SpecPlatform{OS: "linux", Architecture: "arm"}); err != nil || len(cs) != 0 || arm.Platform.String() != "linux/arm/v7" {
		t.Fatalf("arm without variant: %v %v %v", arm.Platform, cs, err)
	}
	// Nothing given: all from the config.
	e := img("b", "linux/arm/v6")
	if cs, err := MergeSpecPlatform(&e, SpecPlatform{}); err != nil || len(cs) != 0 || e.Platform.String() != "linux/arm/v6" {
		t.Fatalf("empty platform: %v %v %v", e.Platform, cs, err)
	}
	// Only a variant given: os and arch from the config, the variant wins.
	e = img("c", "linux/arm/v7")
	cs, err = MergeSpecPlatform(&e, SpecPlatform{Variant: "v6"})
	if err != nil || e.Platform.String() != "linux/arm/v6" || len(cs) != 1 || cs[0].Blocks ||
		!strings.Contains(cs[0].String(), "variant v6") || !strings.Contains(cs[0].String(), "says v7") {
		t.Fatalf("variant only: %v %v %v", e.Platform, cs, err)
	}
	// The spec's values win; os and arch contradictions block.
	e = img("d", "windows/amd64:10.0.17763.1")
	cs, err = MergeSpecPlatform(&e, SpecPlatform{OS: "linux", Architecture: "arm64", OSVersion: "10.0.20348.1"})
	if err != nil || e.Platform.String() != "linux/arm64:10.0.20348.1" {
		t.Fatalf("spec values: %v %v", e.Platform, err)
	}
	fields := map[string]SpecConflict{}
	for _, c := range cs {
		fields[c.Field] = c
	}
	if !fields["os"].Blocks || !fields["architecture"].Blocks || fields["os.version"].Blocks ||
		!strings.Contains(fields["architecture"].String(), "arm64") || !strings.Contains(fields["architecture"].String(), "amd64") {
		t.Fatalf("conflicts: %+v", cs)
	}
	// A variant does not carry over to another architecture.
	e = img("f", "linux/arm/v7")
	if cs, err := MergeSpecPlatform(&e, SpecPlatform{OS: "linux", Architecture: "arm64"}); err != nil || e.Platform.String() != "linux/arm64" || len(cs) != 1 {
		t.Fatalf("arm/v7 image given as arm64: %v %v %v", e.Platform, cs, err)
	}
	// Spellings containerd folds are no contradiction.
	e = img("e", "linux/arm64")
	if cs, _ := MergeSpecPlatform(&e, SpecPlatform{OS: "linux", Architecture: "aarch64"}); len(cs) != 0 {
		t.Fatalf("aarch64 against arm64: %+v", cs)
	}
	if _, err := MergeSpecPlatform(&e, SpecPlatform{OS: "linux"}); err == nil {
		t.Fatal("half platform accepted")
	}
}

// TestParseSpecTyposSayDidYouMean: a mistyped key names the key the user
// meant, and no message names a Go type.
func TestParseSpecTyposSayDidYouMean(t *testing.T) {
	cases := map[string]struct{ in, want string }{
		"osVersion":    {"image: a/b:c\nmanifests:\n  - image: a/b:d\n    platform:\n      osVersion: 1\n      os: windows\n      architecture: amd64\n", `did you mean "osversion"?`},
		"os.version":   {"image: a/b:c\nmanifests:\n  - image: a/b:d\n    platform:\n      os.version: 1\n", `did you mean "osversion"?`},
		"architcture":  {"image: a/b:c\nmanifests:\n  - image: a/b:d\n    platform:\n      architcture: arm\n      os: linux\n", `did you mean "architecture"?`},
		"manifest":     {"image: a/b:c\nmanifest:\n  - image: a/b:d\n", `did you mean "manifests"?`},
		"Image":        {"image: a/b:c\nmanifests:\n  - Image: a/b:d\n", `did you mean "image"?`},
		"tags scalar":  {"image: a/b:c\ntags: 1.0\nmanifests:\n  - image: a/b:d\n", "tags should be a list"},
		"feats map":    {"image: a/b:c\nmanifests:\n  - image: a/b:d\n    platform: {os: linux, architecture: amd64, features: {a: b}}\n", "features should be a list"},
		"platform str": {"image: a/b:c\nmanifests:\n  - image: a/b:d\n    platform: linux/amd64\n", "platform should be a map of keys"},
		"unknown far":  {"image: a/b:c\nmanifests:\n  - image: a/b:d\n    zzzzzz: 1\n", `unknown key "manifests[0].zzzzzz"`},
	}
	for name, c := range cases {
		_, err := ParseSpec([]byte(c.in))
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
		for _, gotype := range []string{"model.", "[]string", "map[string]", "SpecPlatform", "!!"} {
			if strings.Contains(err.Error(), gotype) {
				t.Errorf("%s: message names a Go or YAML type (%s): %v", name, gotype, err)
			}
		}
	}
}

// FuzzParseSpec feeds arbitrary YAML to the spec parser: it must not panic,
// and what it accepts must name a target and only whole entries.
func FuzzParseSpec(f *testing.F) {
	f.Add([]byte(readmeSpec))
	f.Add([]byte("image: a/b:c\nmanifests:\n  - image: a/b:d\n"))
	f.Add([]byte("image: [\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		s, err := ParseSpec(raw)
		if err != nil {
			return
		}
		if strings.TrimSpace(s.Image) == "" || len(s.Manifests) == 0 {
			t.Fatalf("accepted a spec without target or manifests: %+v", s)
		}
		for _, m := range s.Manifests {
			if strings.TrimSpace(m.Image) == "" {
				t.Fatalf("accepted a manifest without image: %+v", s)
			}
			if (m.Platform.OS == "") != (m.Platform.Architecture == "") {
				t.Fatalf("accepted a half platform: %+v", m.Platform)
			}
		}
	})
}
