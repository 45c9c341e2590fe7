package model

import (
	"strings"
	"testing"
)

func TestLabelShowsFeatures(t *testing.T) {
	p := Platform{OS: "windows", Architecture: "amd64", OSVersion: "10.0.17763.1", OSFeatures: []string{"win32k"}, Features: []string{"sse4"}}
	if got := p.Label(); got != "windows/amd64:10.0.17763.1 (os.features win32k; features sse4)" {
		t.Fatalf("Label = %q", got)
	}
	if got := (Platform{OS: "linux", Architecture: "arm", Variant: "v7"}).Label(); got != "linux/arm/v7" {
		t.Fatalf("Label = %q", got)
	}
}

// TestNoMatchSaysWhy: "no entry for linux/amd64; available: linux/amd64"
// says that the entry wants os.features the host does not declare, and how
// to declare them.
func TestNoMatchSaysWhy(t *testing.T) {
	f := newFxStore(t)
	amd := f.img(MediaTypeOCIManifest, "linux/amd64")
	amd.Platform.OSFeatures = []string{"sse4"}
	un := f.img(MediaTypeOCIManifest, "linux/arm64")
	un.Platform = &Platform{OS: "unknown", Architecture: "unknown"}
	tr := mustBuild(t, f.index(MediaTypeOCIIndex, nil, amd, un), f.s)
	err := NoMatchError(tr, Platform{OS: "linux", Architecture: "amd64"})
	for _, want := range []string{"available: linux/amd64 (os.features sse4)", "needs os.features sse4, which the host does not declare", "linux(+sse4)/amd64"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v lacks %q", err, want)
		}
	}
	if plats, atts := PlatformList(tr); len(plats) != 1 || atts != 0 {
		t.Errorf("PlatformList = %v, %d: unknown/unknown is no platform", plats, atts)
	}
	if n := UnknownEntries(tr); n != 1 {
		t.Errorf("UnknownEntries = %d", n)
	}
	host, err := ParsePlatform("linux(+sse4)/amd64")
	if err != nil {
		t.Fatal(err)
	}
	if r, err := Resolve(tr, host); err != nil || r.Digest != amd.Digest {
		t.Errorf("a host declaring sse4: %+v %v", r, err)
	}
}

func TestAnnotationNote(t *testing.T) {
	cases := []struct {
		ann  map[string]string
		want string
	}{
		{nil, ""},
		{map[string]string{AnnotationReferenceType: ReferenceTypeAttestation, AnnotationReferenceDigest: "sha256:x"}, ""},
		{map[string]string{"org.opencontainers.image.title": "app"}, "org.opencontainers.image.title=app"},
		{map[string]string{"b": "2", "a": "1"}, "a=1, b=2"},
		{map[string]string{"a": "1", "b": "2", "c": "3"}, "3 annotations"},
		{map[string]string{"k": strings.Repeat("x", 80)}, "1 annotation"},
	}
	for _, c := range cases {
		if got := AnnotationNote(c.ann); got != c.want {
			t.Errorf("AnnotationNote(%v) = %q, want %q", c.ann, got, c.want)
		}
	}
}
