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
	l := &StagedList{Target: "localhost:5000/app:v1", Entries: []StagedEntry{a, attest("att", a.Digest), w}}
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
		if err := ApplySpecPlatform(&e, m.Platform); err != nil {
			t.Fatal(err)
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

func TestApplySpecPlatformReplaces(t *testing.T) {
	e := img("a", "linux/arm/v6")
	if err := ApplySpecPlatform(&e, SpecPlatform{}); err != nil || e.Platform.String() != "linux/arm/v6" {
		t.Fatalf("empty platform changed the entry: %v %v", e.Platform, err)
	}
	if err := ApplySpecPlatform(&e, SpecPlatform{OS: "linux", Architecture: "arm64"}); err != nil || e.Platform.String() != "linux/arm64" {
		t.Fatalf("got %v %v", e.Platform, err)
	}
	if err := ApplySpecPlatform(&e, SpecPlatform{OS: "linux"}); err == nil {
		t.Fatal("half platform accepted")
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
			if !m.Platform.IsZero() && (m.Platform.OS == "" || m.Platform.Architecture == "") {
				t.Fatalf("accepted a half platform: %+v", m.Platform)
			}
		}
	})
}
