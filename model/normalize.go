package model

import (
	"fmt"
	"strings"

	"github.com/containerd/platforms"
	specs "github.com/opencontainers/image-spec/specs-go/v1"
)

// UnknownValueError is a platform value that is no known spelling, with the
// nearest known value when there is one.
type UnknownValueError struct {
	Field, Value, Suggestion string
}

func (e *UnknownValueError) Error() string {
	msg := fmt.Sprintf("unknown %s %q", e.Field, e.Value)
	if e.Suggestion != "" {
		msg += fmt.Sprintf(": did you mean %s?", e.Suggestion)
	}
	return msg
}

// archAliases are spellings containerd folds into a Go architecture.
var archAliases = []string{"aarch64", "x86_64", "x86-64", "i386", "armhf", "armel"}

// defaultVariant is the variant containerd leaves out for an architecture
// because it is the architecture's baseline.
func defaultVariant(arch string) string {
	switch arch {
	case "arm64":
		return "v8"
	case "amd64":
		return "v1"
	}
	return ""
}

// NormalizeEdit spells the fields an edit sets as containerd does (Linux →
// linux, aarch64 → arm64, x86_64 → amd64, armhf → arm/v7, 7 → v7), reading
// the architecture or variant it leaves out from current. A variant the
// user gave stays written out (arm64/v8 is not folded to arm64), and none
// is added where none was given. It returns what it changed, as
// "architecture aarch64 → arm64", and an *UnknownValueError for an os or
// architecture that is no known spelling but close to one.
func NormalizeEdit(edit PlatformEdit, current *Platform) (PlatformEdit, []string, error) {
	var notes []string
	note := func(field, from, to string) {
		if from != to {
			notes = append(notes, fmt.Sprintf("%s %s → %s", field, from, to))
		}
	}
	if edit.OS != "" {
		os := platforms.Normalize(specs.Platform{OS: edit.OS, Architecture: "amd64"}).OS
		note("os", edit.OS, os)
		if !oneOf(os, KnownOS...) {
			if near := Nearest(os, KnownOS); near != "" {
				return edit, nil, &UnknownValueError{Field: "os", Value: edit.OS, Suggestion: near}
			}
		}
		edit.OS = os
	}
	if edit.Architecture != "" || edit.Variant != "" {
		given, arch, variant := edit.Architecture, edit.Architecture, edit.Variant
		if current != nil {
			if arch == "" {
				arch = current.Architecture
			}
			if variant == "" && !edit.ClearVariant {
				variant = current.Variant
			}
		}
		n := platforms.Normalize(specs.Platform{OS: "linux", Architecture: arch, Variant: variant})
		switch {
		case n.Variant == "" && variant != "":
			n.Variant = defaultVariant(n.Architecture) // a variant written out stays
		case n.Variant != "" && variant == "" && strings.EqualFold(arch, n.Architecture):
			n.Variant = "" // containerd's default (arm → v7) is not written in
		}
		if given != "" {
			if !oneOf(n.Architecture, KnownArch...) {
				if near := Nearest(n.Architecture, append(append([]string(nil), KnownArch...), archAliases...)); near != "" {
					return edit, nil, &UnknownValueError{Field: "architecture", Value: given, Suggestion: near}
				}
			}
			note("architecture", given, n.Architecture)
			edit.Architecture = n.Architecture
		}
		// A variant left from the old architecture that the new one does not
		// have goes (arm64's v8 on amd64).
		if given != "" && edit.Variant == "" && current != nil && current.Variant != "" {
			if ok, known := VariantFits(n.Architecture, n.Variant); !ok && known {
				notes = append(notes, fmt.Sprintf("variant %s → (none): it is %s's", current.Variant, current.Architecture))
				edit.ClearVariant = true
				return edit, notes, nil
			}
		}
		if n.Variant != variant || edit.Variant != "" {
			note("variant", orNone(variant), orNone(n.Variant))
			edit.Variant = n.Variant
			edit.ClearVariant = n.Variant == "" && variant != ""
		}
	}
	return edit, notes, nil
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// NormalizePlatform spells a whole platform, as typed into a form, the way
// NormalizeEdit spells an edit.
func NormalizePlatform(p Platform) (Platform, []string, error) {
	edit, notes, err := NormalizeEdit(PlatformEdit{OS: p.OS, Architecture: p.Architecture, Variant: p.Variant}, nil)
	if err != nil {
		return p, nil, err
	}
	p.OS, p.Architecture, p.Variant = edit.OS, edit.Architecture, edit.Variant
	return p, notes, nil
}
