package model

import (
	"os/exec"
	"strings"
	"testing"
)

func codes(fs []Finding) map[string]Severity {
	out := map[string]Severity{}
	for _, f := range fs {
		out[f.Code] = f.Severity
	}
	return out
}

func TestValidateCleanList(t *testing.T) {
	l := &StagedList{Entries: []StagedEntry{img("a", "linux/amd64"), img("b", "linux/arm/v7"), img("w", "windows/amd64:10.0.20348.1")}}
	if fs := l.Validate(); len(fs) != 0 {
		t.Fatalf("findings on a clean list: %v", fs)
	}
}

func TestValidateFindings(t *testing.T) {
	cases := []struct {
		name string
		edit func(l *StagedList)
		code string
		sev  Severity
	}{
		{"empty", func(l *StagedList) { l.Entries = nil }, "no-entries", Block},
		{"duplicate platform", func(l *StagedList) { l.Entries[1].Platform = plat("linux/amd64") }, "duplicate-platform", Block},
		{"duplicate after normalising", func(l *StagedList) {
			l.Entries[0].Platform = plat("linux/arm64")
			l.Entries[1].Platform = &Platform{OS: "linux", Architecture: "aarch64", Variant: "v8"}
		}, "duplicate-platform", Block},
		{"unknown os/arch", func(l *StagedList) { l.Entries[1].Platform = &Platform{OS: "linux", Architecture: "vax"} }, "unknown-platform", Warning},
		{"v7 on amd64", func(l *StagedList) { l.Entries[0].Platform.Variant = "v7" }, "bad-variant", Block},
		{"v9 on arm", func(l *StagedList) {
			l.Entries[1].Platform = &Platform{OS: "linux", Architecture: "arm", Variant: "v9"}
		}, "bad-variant", Block},
		{"v3 on arm64", func(l *StagedList) {
			l.Entries[1].Platform = &Platform{OS: "linux", Architecture: "arm64", Variant: "v3"}
		}, "bad-variant", Block},
		{"variant on 386", func(l *StagedList) {
			l.Entries[1].Platform = &Platform{OS: "linux", Architecture: "386", Variant: "v2"}
		}, "bad-variant", Block},
		{"unknown variant", func(l *StagedList) {
			l.Entries[1].Platform = &Platform{OS: "linux", Architecture: "riscv64", Variant: "rva22u64"}
		}, "unknown-variant", Warning},
		{"config mismatch", func(l *StagedList) { l.Entries[1].Platform = plat("linux/arm/v7") }, "config-mismatch", Warning},
		{"os.version mismatch", func(l *StagedList) {
			l.Entries[1] = img("w", "windows/amd64:10.0.17763.1")
			l.Entries[1].Platform.OSVersion = "10.0.20348.1"
		}, "config-mismatch", Warning},
		{"docker drops annotations", func(l *StagedList) {
			l.MediaType = MediaTypeDockerList
			l.Entries[0].Annotations = map[string]string{"k": "v"}
		}, "dropped-annotations", Warning},
		{"docker drops index annotations", func(l *StagedList) {
			l.MediaType = MediaTypeDockerList
			l.Annotations = map[string]string{"k": "v"}
		}, "dropped-annotations", Warning},
		{"docker list with oci child", func(l *StagedList) {
			l.MediaType = MediaTypeDockerList
			l.Entries[0].MediaType = MediaTypeOCIManifest
		}, "docker-list-oci-child", Warning},
		{"nested index", func(l *StagedList) { l.Entries[0].MediaType = MediaTypeOCIIndex }, "nested-index", Warning},
		{"no platform", func(l *StagedList) { l.Entries[0].Platform = nil }, "no-platform", Warning},
		{"orphan attestation", func(l *StagedList) { l.Entries = append(l.Entries, stagedAttestation("att", dg("gone"))) }, "orphan-attestation", Warning},
		{"bad digest", func(l *StagedList) { l.Entries[0].Digest = "md5:00" }, "bad-digest", Block},
		{"duplicate digest", func(l *StagedList) { l.Entries = append(l.Entries, l.Entries[0]) }, "duplicate-digest", Warning},
		{"os.version off windows", func(l *StagedList) { l.Entries[0].Platform.OSVersion = "1" }, "os-version", Warning},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := &StagedList{Entries: []StagedEntry{img("a", "linux/amd64"), img("b", "linux/arm64")}}
			c.edit(l)
			fs := l.Validate()
			got, ok := codes(fs)[c.code]
			if !ok {
				t.Fatalf("no %s finding in %v", c.code, fs)
			}
			if got != c.sev {
				t.Fatalf("%s is %v, want %v", c.code, got, c.sev)
			}
			if Blocking(fs) != (c.sev == Block) && c.sev == Block {
				t.Fatalf("Blocking = %v", Blocking(fs))
			}
			for _, f := range fs {
				if f.String() == "" || !strings.Contains(f.String(), f.Severity.String()) {
					t.Fatalf("finding renders as %q", f.String())
				}
			}
		})
	}
}

func TestValidateAttestationsDoNotDuplicate(t *testing.T) {
	a, b := img("a", "linux/amd64"), img("b", "linux/arm64")
	l := &StagedList{Entries: []StagedEntry{a, stagedAttestation("x", a.Digest), b, stagedAttestation("y", b.Digest)}}
	if fs := l.Validate(); len(fs) != 0 {
		t.Fatalf("two unknown/unknown attestations flagged: %v", fs)
	}
}

func TestVariantFits(t *testing.T) {
	ok := [][2]string{{"amd64", "v2"}, {"amd64", "v4"}, {"arm", "v5"}, {"arm", "v8"}, {"arm64", "v8.2"}, {"arm64", "v9.0"}, {"arm64", "v9"}, {"ppc64le", ""}}
	bad := [][2]string{{"amd64", "v5"}, {"amd64", "v7"}, {"arm", "v4"}, {"arm64", "v7"}, {"arm64", "v8.x"}, {"arm64", "v10"}, {"386", "v1"}}
	for _, c := range ok {
		if fits, _ := VariantFits(c[0], c[1]); !fits {
			t.Errorf("%s/%s should fit", c[0], c[1])
		}
	}
	for _, c := range bad {
		if fits, _ := VariantFits(c[0], c[1]); fits {
			t.Errorf("%s/%s should not fit", c[0], c[1])
		}
	}
}

// TestKnownPlatformsMatchToolchain compares the embedded table with the Go
// toolchain running the test, when it can be asked. A new Go release that adds
// a port fails this test until the table is updated.
func TestKnownPlatformsMatchToolchain(t *testing.T) {
	out, err := exec.Command("go", "tool", "dist", "list").Output()
	if err != nil {
		t.Skipf("go tool dist list unavailable: %v", err)
	}
	fromGo := map[string]bool{}
	for _, l := range strings.Fields(string(out)) {
		fromGo[l] = true
		if !KnownPlatforms[l] {
			t.Errorf("%s is missing from KnownPlatforms", l)
		}
	}
	for k := range KnownPlatforms {
		if !fromGo[k] {
			t.Errorf("%s is in KnownPlatforms but not in go tool dist list", k)
		}
	}
	if len(KnownOS) == 0 || KnownOS[0] != "aix" || len(KnownArch) == 0 {
		t.Fatalf("KnownOS %v KnownArch %v", KnownOS, KnownArch)
	}
}
