package model

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizeEditSpellsAsContainerd(t *testing.T) {
	armV6 := &Platform{OS: "linux", Architecture: "arm", Variant: "v6"}
	amd := &Platform{OS: "linux", Architecture: "amd64"}
	cases := []struct {
		name    string
		edit    PlatformEdit
		current *Platform
		want    string // the platform after Annotate
		note    string
	}{
		{"aarch64", PlatformEdit{Architecture: "aarch64"}, amd, "linux/arm64", "architecture aarch64 → arm64"},
		{"Linux", PlatformEdit{OS: "Linux"}, amd, "linux/amd64", "os Linux → linux"},
		{"7", PlatformEdit{Variant: "7"}, armV6, "linux/arm/v7", "variant 7 → v7"},
		{"x86_64", PlatformEdit{OS: "linux", Architecture: "x86_64"}, armV6, "linux/amd64", "variant v6 → (none): it is arm's"},
		{"arm keeps v6", PlatformEdit{Architecture: "arm"}, armV6, "linux/arm/v6", ""},
		{"armhf", PlatformEdit{Architecture: "armhf"}, amd, "linux/arm/v7", "architecture armhf → arm"},
		{"ARM64 8", PlatformEdit{Architecture: "ARM64", Variant: "8"}, amd, "linux/arm64/v8", "variant 8 → v8"},
		{"macos", PlatformEdit{OS: "MacOS", Architecture: "arm64"}, amd, "darwin/arm64", "os MacOS → darwin"},
		{"arm no default variant", PlatformEdit{OS: "linux", Architecture: "arm"}, amd, "linux/arm", ""},
		{"arm64/v8 kept", PlatformEdit{Architecture: "arm64", Variant: "v8"}, amd, "linux/arm64/v8", ""},
		{"clear variant", PlatformEdit{ClearVariant: true}, armV6, "linux/arm", ""},
	}
	for _, c := range cases {
		edit, notes, err := NormalizeEdit(c.edit, c.current)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		l := &StagedList{Entries: []StagedEntry{{Platform: clonePlatform(c.current)}}}
		if err := l.Annotate(0, edit, nil); err != nil {
			t.Errorf("%s: annotate: %v", c.name, err)
			continue
		}
		if got := l.Entries[0].Platform.String(); got != c.want {
			t.Errorf("%s: got %s want %s (edit %+v)", c.name, got, c.want, edit)
		}
		if c.note != "" && !strings.Contains(strings.Join(notes, "; "), c.note) {
			t.Errorf("%s: notes %q lack %q", c.name, notes, c.note)
		}
		if c.note == "" && len(notes) > 0 {
			t.Errorf("%s: unexpected notes %q", c.name, notes)
		}
	}
}

func TestNormalizeEditSuggestsTheNearestKnownValue(t *testing.T) {
	for _, c := range []struct {
		edit       PlatformEdit
		field, sug string
	}{
		{PlatformEdit{Architecture: "amd46"}, "architecture", "amd64"},
		{PlatformEdit{Architecture: "arm46"}, "architecture", "arm64"},
		{PlatformEdit{OS: "linx"}, "os", "linux"},
		{PlatformEdit{OS: "windwos"}, "os", "windows"},
	} {
		_, _, err := NormalizeEdit(c.edit, &Platform{OS: "linux", Architecture: "amd64"})
		var uv *UnknownValueError
		if !errors.As(err, &uv) || uv.Field != c.field || uv.Suggestion != c.sug {
			t.Errorf("%+v: %v, want a suggestion of %s", c.edit, err, c.sug)
			continue
		}
		if !strings.Contains(err.Error(), "did you mean "+c.sug) {
			t.Errorf("message: %v", err)
		}
	}
	// A value far from any known one is left for validation to warn about.
	if _, _, err := NormalizeEdit(PlatformEdit{Architecture: "sparc64x"}, nil); err != nil {
		t.Errorf("sparc64x: %v", err)
	}
	if _, _, err := NormalizeEdit(PlatformEdit{Architecture: "xtensa"}, nil); err != nil {
		t.Errorf("xtensa: %v", err)
	}
}

func TestNormalizePlatformForTheForm(t *testing.T) {
	p, notes, err := NormalizePlatform(Platform{OS: "Linux", Architecture: "aarch64", OSVersion: "x"})
	if err != nil || p.String() != "linux/arm64:x" || len(notes) != 2 {
		t.Fatalf("%v %q %v", p, notes, err)
	}
}

// TestMismatchSaysExecFormatErrorOnlyWhereTrue: a different architecture, or
// a binary that needs a higher arm variant than claimed, cannot run (a 32-bit
// arm binary claimed as arm64 fails on arm64 CPUs without AArch32); a claim
// above what the binary needs is harmless, and says what it means.
func TestMismatchSaysExecFormatErrorOnlyWhereTrue(t *testing.T) {
	cases := []struct {
		claimed, binary string
		exec            bool
		want            string
	}{
		{"linux/arm64", "linux/amd64", true, "exec format error"},
		{"linux/arm/v6", "linux/arm/v7", true, "arm/v6 hosts will pull a binary that needs arm/v7"},
		{"linux/arm/v7", "linux/arm/v6", false, "hosts below arm/v7, which could run it too, will not pick"},
		{"linux/amd64/v2", "linux/amd64", false, "harmless for the hosts that pick it (they all run a linux/amd64 binary), but hosts below amd64/v2"},
		{"linux/arm64", "linux/arm/v7", true, "no 32-bit (AArch32) support"},
		{"linux/arm64/v8", "linux/arm/v6", true, "linux/arm/v6 hosts, which could run it, will not pick"},
		{"linux/amd64", "linux/amd64/v3", false, "illegal instruction"},
		{"linux/amd64", "linux/386", false, "harmless"},
		{"windows/amd64", "linux/amd64", false, "windows hosts will pull an image built for linux"},
		{"linux/arm64/v8", "linux/arm64", false, ""},
		{"linux/arm", "linux/arm/v7", false, ""},
	}
	for _, c := range cases {
		m := describeMismatch(fxPlat(t, c.claimed), fxPlat(t, c.binary))
		if c.want == "" {
			if m != "" {
				t.Errorf("%s for %s: %q, want no mismatch", c.claimed, c.binary, m)
			}
			continue
		}
		if !strings.Contains(m, c.want) {
			t.Errorf("%s for %s: %q, want %q", c.claimed, c.binary, m, c.want)
		}
		if strings.Contains(m, "exec format error") != c.exec {
			t.Errorf("%s for %s: %q: exec format error said %v, want %v", c.claimed, c.binary, m, !c.exec, c.exec)
		}
	}
}

func TestOSFeaturesOnLinuxWarn(t *testing.T) {
	e := img("a", "linux/amd64")
	e.Platform.OSFeatures = []string{"sse4"}
	w := img("w", "windows/amd64:10.0.20348.1")
	w.Platform.OSFeatures = []string{"win32k"}
	l := &StagedList{Entries: []StagedEntry{e, w}}
	var got []Finding
	for _, f := range l.Validate() {
		if f.Code == "os-features" {
			got = append(got, f)
		}
	}
	if len(got) != 1 || got[0].Entry != 0 || got[0].Severity != Warning || !strings.Contains(got[0].Message, "podman ignores") {
		t.Fatalf("findings: %+v", got)
	}
}
