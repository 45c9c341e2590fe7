package model

import (
	"fmt"
	"sort"
	"strings"
)

// Severity says whether a finding stops a push.
type Severity int

const (
	// Warning is shown but does not stop a push.
	Warning Severity = iota
	// Block stops a push until it is fixed.
	Block
)

func (s Severity) String() string {
	if s == Block {
		return "error"
	}
	return "warning"
}

// Finding is one problem validation found.
type Finding struct {
	Severity Severity
	// Entry is the index of the entry concerned, or -1 for the list.
	Entry int
	// Code names the check, for tests and tools: duplicate-platform,
	// unknown-platform, bad-variant, config-mismatch, dropped-annotations,
	// nested-index, no-platform, orphan-attestation, no-entries, bad-digest,
	// duplicate-digest, docker-list-oci-child.
	Code    string
	Message string
}

func (f Finding) String() string {
	if f.Entry < 0 {
		return fmt.Sprintf("%s: %s", f.Severity, f.Message)
	}
	return fmt.Sprintf("%s: entry %d: %s", f.Severity, f.Entry+1, f.Message)
}

// Blocking reports whether any finding blocks a push.
func Blocking(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == Block {
			return true
		}
	}
	return false
}

// KnownPlatforms is the os/arch list of `go tool dist list` (Go 1.26), the
// list the Go toolchain, and so most image builders, knows.
var KnownPlatforms = map[string]bool{
	"aix/ppc64": true, "android/386": true, "android/amd64": true, "android/arm": true, "android/arm64": true,
	"darwin/amd64": true, "darwin/arm64": true, "dragonfly/amd64": true, "freebsd/386": true, "freebsd/amd64": true,
	"freebsd/arm": true, "freebsd/arm64": true, "illumos/amd64": true, "ios/amd64": true,
	"ios/arm64": true, "js/wasm": true, "linux/386": true, "linux/amd64": true, "linux/arm": true, "linux/arm64": true,
	"linux/loong64": true, "linux/mips": true, "linux/mips64": true, "linux/mips64le": true, "linux/mipsle": true,
	"linux/ppc64": true, "linux/ppc64le": true, "linux/riscv64": true, "linux/s390x": true, "netbsd/386": true,
	"netbsd/amd64": true, "netbsd/arm": true, "netbsd/arm64": true, "openbsd/386": true, "openbsd/amd64": true,
	"openbsd/arm": true, "openbsd/arm64": true, "openbsd/ppc64": true, "openbsd/riscv64": true, "plan9/386": true,
	"plan9/amd64": true, "plan9/arm": true, "solaris/amd64": true, "wasip1/wasm": true, "windows/386": true,
	"windows/amd64": true, "windows/arm64": true,
}

// KnownOS and KnownArch are the operating systems and architectures of
// KnownPlatforms, sorted, for pickers.
var KnownOS, KnownArch = splitKnown()

func splitKnown() (oses, arches []string) {
	so, sa := map[string]bool{}, map[string]bool{}
	for k := range KnownPlatforms {
		o, a, _ := strings.Cut(k, "/")
		so[o], sa[a] = true, true
	}
	for o := range so {
		oses = append(oses, o)
	}
	for a := range sa {
		arches = append(arches, a)
	}
	sort.Strings(oses)
	sort.Strings(arches)
	return oses, arches
}

// VariantFits reports whether variant is one the architecture has: v1–v4 on
// amd64, v5–v8 on arm, v8 and v9 (with .minor) on arm64. ok is false for a
// variant that does not fit; known is false for architectures whose variants
// manifold does not know, where any variant is accepted with a warning.
func VariantFits(arch, variant string) (ok, known bool) {
	if variant == "" {
		return true, true
	}
	switch arch {
	case "amd64":
		return oneOf(variant, "v1", "v2", "v3", "v4"), true
	case "arm":
		return oneOf(variant, "v5", "v6", "v7", "v8"), true
	case "arm64":
		if oneOf(variant, "v8", "v9") {
			return true, true
		}
		major, minor, ok := strings.Cut(variant, ".")
		if !ok || !oneOf(major, "v8", "v9") || minor == "" {
			return false, true
		}
		for _, c := range minor {
			if c < '0' || c > '9' {
				return false, true
			}
		}
		return true, true
	case "386":
		return false, true
	}
	return true, false
}

func oneOf(s string, set ...string) bool {
	for _, x := range set {
		if s == x {
			return true
		}
	}
	return false
}

// Validate checks a staged list before it is pushed. Findings come in entry
// order, list-wide ones first.
func (l *StagedList) Validate() []Finding {
	var fs []Finding
	add := func(sev Severity, entry int, code, format string, args ...any) {
		fs = append(fs, Finding{Severity: sev, Entry: entry, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	mt := l.EffectiveMediaType()
	if len(l.Entries) == 0 {
		add(Block, -1, "no-entries", "the list has no entries: add images with manifold create --amend LIST IMAGE..., or a on an image in the TUI")
	}
	if mt == MediaTypeDockerList && len(l.Annotations) > 0 {
		add(Warning, -1, "dropped-annotations", "a Docker manifest list has no annotations: the index annotations %s are dropped (push as OCI to keep them)", keysOf(l.Annotations))
	}
	if dropped := l.droppedIndexFields(); mt == MediaTypeDockerList && len(dropped) > 0 {
		add(Warning, -1, "dropped-index-fields", "a Docker manifest list cannot carry the index's %s: they are dropped (push as OCI to keep them)", strings.Join(dropped, " and "))
	}
	seenPlat := map[string]int{}
	seenDigest := map[string]int{}
	images := map[string]bool{}
	for _, e := range l.Entries {
		if !e.IsAttestation() {
			images[e.Digest] = true
		}
	}
	for i, e := range l.Entries {
		if err := ValidateDigest(e.Digest); err != nil {
			add(Block, i, "bad-digest", "%v", err)
		}
		if j, dup := seenDigest[e.Digest]; dup {
			add(Warning, i, "duplicate-digest", "same manifest %s as entry %d", short(e.Digest), j+1)
		} else {
			seenDigest[e.Digest] = i
		}
		if IsIndexMediaType(e.MediaType) {
			add(Warning, i, "nested-index", "%s is itself an index: most clients do not follow nested indexes; take its entries instead (each image keeps its attestations)", e.Source)
		}
		if mt == MediaTypeDockerList {
			if len(e.Annotations) > 0 {
				add(Warning, i, "dropped-annotations", "a Docker manifest list drops descriptor annotations %s: push as OCI to keep them", keysOf(e.Annotations))
			}
			if drops := e.descriptorDrops(); e.ArtifactType != "" || len(drops) > 0 {
				if e.ArtifactType != "" {
					drops = append([]string{"artifactType"}, drops...)
				}
				add(Warning, i, "dropped-fields", "a Docker manifest list drops the descriptor's %s: push as OCI to keep them", strings.Join(drops, " and "))
			}
			if e.MediaType == MediaTypeOCIManifest || e.MediaType == MediaTypeOCIIndex {
				add(Warning, i, "docker-list-oci-child", "a Docker manifest list refers to an OCI manifest: some clients reject the mix; push as OCI")
			}
		}
		if e.IsAttestation() {
			if ref := e.Annotations[AnnotationReferenceDigest]; ref != "" && !images[ref] {
				add(Warning, i, "orphan-attestation", "attestation for %s, which is not in the list", short(ref))
			}
			continue
		}
		if e.Platform == nil {
			if !IsIndexMediaType(e.MediaType) {
				add(Warning, i, "no-platform", "no platform: clients that pick by platform skip this entry (or assume linux/amd64)")
			}
			continue
		}
		p := *e.Platform
		if p.OS == "" || p.Architecture == "" {
			add(Block, i, "bad-platform", "platform %q needs both os and architecture", p.String())
			continue
		}
		n := p.Normalize()
		if !KnownPlatforms[n.OS+"/"+n.Architecture] {
			add(Warning, i, "unknown-platform", "%s/%s is not a platform Go knows (go tool dist list)", p.OS, p.Architecture)
		}
		if ok, known := VariantFits(n.Architecture, p.Variant); !ok {
			add(Block, i, "bad-variant", "variant %s does not fit architecture %s (%s)", p.Variant, p.Architecture, variantHint(n.Architecture))
		} else if !known {
			add(Warning, i, "unknown-variant", "variant %s on %s is not one manifold knows", p.Variant, p.Architecture)
		}
		if p.OSVersion != "" && n.OS != "windows" {
			add(Warning, i, "os-version", "os.version %s is only used on windows", p.OSVersion)
		}
		if len(p.OSFeatures) > 0 && n.OS != "windows" {
			add(Warning, i, "os-features", "os.features %s on %s: containerd then picks this entry only on hosts that declare those features (hosts rarely do), and podman ignores them", strings.Join(p.OSFeatures, ","), n.OS)
		}
		key := PlatformKey(p)
		if j, dup := seenPlat[key]; dup {
			add(Block, i, "duplicate-platform", "duplicate platform %s (also entry %d): a host would only ever pull the first", p.String(), j+1)
		} else {
			seenPlat[key] = i
		}
		if e.ConfigPlatform != nil {
			if msg := platformDiffers(p, *e.ConfigPlatform); msg != "" {
				add(Warning, i, "config-mismatch", "%s", msg)
			}
		}
	}
	return fs
}

func variantHint(arch string) string {
	switch arch {
	case "amd64":
		return "amd64 takes v1 to v4"
	case "arm":
		return "arm takes v5 to v8"
	case "arm64":
		return "arm64 takes v8, v9 or v8.N / v9.N"
	case "386":
		return "386 has no variants"
	}
	return ""
}

// platformDiffers describes how a declared platform differs from the image
// config's, or returns "".
func platformDiffers(declared, cfg Platform) string {
	if cfg.OS == "" && cfg.Architecture == "" {
		return ""
	}
	if msg := describeMismatch(declared, Platform{OS: cfg.OS, Architecture: cfg.Architecture, Variant: cfg.Variant}); msg != "" {
		return msg
	}
	if cfg.OSVersion != "" && declared.OSVersion != cfg.OSVersion {
		return fmt.Sprintf("os.version %q differs from the image config's %q: Windows hosts match on it", declared.OSVersion, cfg.OSVersion)
	}
	return ""
}

func keysOf(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

// short abbreviates a digest for messages.
func short(d string) string {
	_, h, ok := strings.Cut(d, ":")
	if ok && len(h) > 12 {
		return d[:len(d)-len(h)] + h[:12]
	}
	return d
}
