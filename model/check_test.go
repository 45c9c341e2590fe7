package model

import (
	"strings"
	"testing"
)

func TestParseSizeAndLimits(t *testing.T) {
	for in, want := range map[string]int64{"123": 123, "200MB": 200e6, "1.5 GiB": 3 << 29, "10kB": 10e3, "2KiB": 2048, "0": 0} {
		got, err := ParseSize(in)
		if err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "MB", "-1", "1.2.3GB", "12 parsecs", "99999999999TB"} {
		if _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) accepted", bad)
		}
	}
	l, err := ParseSizeLimit("linux/arm64=1GiB")
	if err != nil || l.Platform.String() != "linux/arm64" || l.Bytes != 1<<30 {
		t.Errorf("limit %+v %v", l, err)
	}
	for _, bad := range []string{"linux/arm64", "linux=1GB", "linux/arm64=big"} {
		if _, err := ParseSizeLimit(bad); err == nil || !strings.Contains(err.Error(), "--max-size") {
			t.Errorf("ParseSizeLimit(%q): %v", bad, err)
		}
	}
}

// A single-platform image is one platform: the expectations and limits
// apply to it, and it can carry no in-index attestation.
func TestCheckSingleImage(t *testing.T) {
	im := &Image{Digest: fxDigest([]byte("one")), MediaType: MediaTypeOCIManifest, ConfigDescriptor: Descriptor{Size: 100},
		Layers: []Descriptor{{Digest: fxDigest([]byte("l")), Size: 5000}}, Config: &Config{OS: "linux", Architecture: "arm64"}}
	tr := &Tree{Reference: "r/one:1", Repository: "r/one", MediaType: MediaTypeOCIManifest, Digest: im.Digest, Image: im}
	arm, _ := ParsePlatform("linux/arm64")
	amd, _ := ParsePlatform("linux/amd64")
	ps := Check(tr, CheckOptions{Expect: []Platform{arm, amd}, RequireAttestations: true, MaxSize: []SizeLimit{{Platform: Platform{OS: "*"}, Bytes: 1000}}})
	var codes []string
	for _, p := range ps {
		codes = append(codes, p.Code+" "+p.Platform)
	}
	if strings.Join(codes, ";") != "missing-platform linux/amd64;missing-attestation linux/arm64;size-limit linux/arm64" {
		t.Errorf("codes %v", codes)
	}
	if ps := Check(tr, CheckOptions{Expect: []Platform{arm}}); len(ps) != 0 {
		t.Errorf("a matching single image: %v", ps)
	}
}
