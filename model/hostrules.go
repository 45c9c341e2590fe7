package model

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/containerd/platforms"
	specs "github.com/opencontainers/image-spec/specs-go/v1"
)

// Rules a candidate matched by, or failed by.
const (
	RuleExact         = "exact"          // the host's own platform
	RuleARMFallback   = "arm-fallback"   // arm v8 → v7 → v6 → v5, and arm64 → 32-bit arm
	RuleARM64Fallback = "arm64-fallback" // arm64 v8.x → v8.(x-1) … v8
	RuleAMD64Fallback = "amd64-fallback" // amd64 v3 → v2 → v1 → 386
	RuleWindowsBuild  = "windows-build"  // a compatible Windows build (or, failed: an incompatible one)
	RuleOS            = "os"             // failed: another OS
	RuleArchitecture  = "architecture"   // failed: another architecture
	RuleVariant       = "variant"        // failed: a variant above the host's
	RuleOSFeatures    = "os-features"    // failed: needs os.features the host lacks
	RuleFallback      = "fallback"       // another of containerd's fallbacks
)

// HostRules returns how a host's own runtime matches and ranks entries, from
// containerd/platforms:
//
//   - A Linux (or other non-Windows) host: platforms.Only(host), containerd's
//     default resolution with its arm, arm64 and amd64 fallbacks. Among
//     equally good matches index order decides.
//   - A Windows host: what platforms.Default() is on a Windows machine, the
//     windowsMatchComparer of platform_windows_compat.go. It matches with
//     platforms.NewMatcher(host), which applies the Windows build
//     compatibility (an ltsc2019 host needs its exact build; from ltsc2022 on
//     a host runs the builds from the previous LTSC up to its own), and ranks
//     the highest os.version first.
//
// The library builds windowsMatchComparer only on GOOS=windows, so elsewhere
// its Less is restated by windowsHost: "among matches, the greater
// os.version string first" (the whole of its Less). Which builds are
// compatible is always platforms.NewMatcher's answer, never ours;
// resolve_windows_test.go checks the restated order against the library's
// own comparer on Windows.
func HostRules(host Platform) platforms.MatchComparer {
	if host.OS == "windows" {
		return windowsHost{platforms.NewMatcher(host.Spec())}
	}
	return platforms.Only(host.Spec())
}

// windowsHost is containerd's windowsMatchComparer: see HostRules.
type windowsHost struct{ platforms.Matcher }

func (w windowsHost) Less(p1, p2 specs.Platform) bool {
	m1, m2 := w.Match(p1), w.Match(p2)
	if m1 && m2 {
		return p1.OSVersion > p2.OSVersion
	}
	return m1 && !m2
}

// explain names the rule by which host runs p (match) or cannot, with a
// short reason.
func explain(host, p Platform, match bool) (rule, reason string) {
	h, n := host.Normalize(), p.Normalize()
	if host.OS == "windows" && n.OS == "windows" {
		return explainWindows(host, p, match)
	}
	if match {
		if platforms.OnlyStrict(host.Spec()).Match(p.Spec()) {
			return RuleExact, "exact match"
		}
		switch {
		case h.Architecture == "amd64":
			return RuleAMD64Fallback, fmt.Sprintf("amd64 fallback: an %s host runs %s (%s)", h.archVariant(), n.archVariant(), amd64Chain(h.Variant))
		case h.Architecture == "arm":
			return RuleARMFallback, fmt.Sprintf("arm fallback: an %s host runs %s (%s)", h.archVariant(), n.archVariant(), armChain(h.Variant))
		case h.Architecture == "arm64" && n.Architecture == "arm":
			return RuleARMFallback, fmt.Sprintf("arm fallback: an arm64 host runs 32-bit %s (arm/%s)", n.archVariant(), armChain("v8"))
		case h.Architecture == "arm64":
			return RuleARM64Fallback, fmt.Sprintf("arm64 fallback: an %s host runs %s", h.archVariant(), n.archVariant())
		}
		return RuleFallback, "containerd's fallback for " + h.String()
	}
	switch {
	case n.OS != h.OS:
		return RuleOS, fmt.Sprintf("a %s image; the host runs %s", n.OS, h.OS)
	case sameFamily(h.Architecture, n.Architecture) && n.Architecture == h.Architecture && n.Variant != h.Variant:
		return RuleVariant, fmt.Sprintf("needs %s; an %s host runs %s", n.archVariant(), h.archVariant(), runsBelow(h))
	case sameFamily(h.Architecture, n.Architecture) && n.Architecture != h.Architecture && n.Architecture != "386" && n.Architecture != "arm":
		return RuleArchitecture, fmt.Sprintf("built for %s; the host is %s", n.archVariant(), h.archVariant())
	case sameFamily(h.Architecture, n.Architecture):
		if lacksFeatures(host, p) {
			return RuleOSFeatures, "needs os.features " + strings.Join(p.OSFeatures, ",") + " the host lacks"
		}
		return RuleVariant, fmt.Sprintf("needs %s; an %s host runs %s", n.archVariant(), h.archVariant(), runsBelow(h))
	}
	return RuleArchitecture, fmt.Sprintf("built for %s; the host is %s", n.archVariant(), h.archVariant())
}

// explainWindows explains a Windows entry on a Windows host.
func explainWindows(host, p Platform, match bool) (rule, reason string) {
	h, n := host.Normalize(), p.Normalize()
	hb, pb := WindowsBuild(host.OSVersion), WindowsBuild(p.OSVersion)
	if match {
		switch {
		case p.OSVersion == "":
			return RuleWindowsBuild, "no os.version: runs on any build, ranked below the builds that name one"
		case hb == 0:
			return RuleWindowsBuild, "the host names no build, so every build matches; the highest os.version wins"
		case hb == pb:
			return RuleExact, "exact build " + windowsLabel(p.OSVersion)
		}
		return RuleWindowsBuild, fmt.Sprintf("Windows build compatibility: a %s host runs builds %s; the highest compatible os.version wins", windowsLabel(host.OSVersion), windowsRange(host))
	}
	switch {
	case n.Architecture != h.Architecture || n.Variant != h.Variant:
		return RuleArchitecture, fmt.Sprintf("built for %s; the host is %s", n.archVariant(), h.archVariant())
	case lacksFeatures(host, p):
		return RuleOSFeatures, "needs os.features " + strings.Join(p.OSFeatures, ",") + " the host lacks"
	}
	return RuleWindowsBuild, fmt.Sprintf("built for %s; a %s host runs %s", windowsLabel(p.OSVersion), windowsLabel(host.OSVersion), windowsRange(host))
}

// lacksFeatures reports whether p fails on host only for its os.features:
// the host with p's features would match it.
func lacksFeatures(host, p Platform) bool {
	if len(p.OSFeatures) == 0 {
		return false
	}
	h := host.Spec()
	h.OSFeatures = slices.Clone(p.OSFeatures)
	sort.Strings(h.OSFeatures)
	return HostRules(FromSpec(h)).Match(p.Spec())
}

// windowsRange says which builds a Windows host runs, asking
// platforms.NewMatcher about every named build: "only 17763 (ltsc2019)" or
// "20348 (ltsc2022) to 26100 (ltsc2025)".
func windowsRange(host Platform) string {
	hb := WindowsBuild(host.OSVersion)
	builds := make([]int, 0, len(windowsBuilds)+1)
	for b := range windowsBuilds {
		builds = append(builds, b)
	}
	builds = append(builds, hb)
	sort.Ints(builds)
	m := platforms.NewMatcher(host.Spec())
	lo, hi := 0, 0
	for _, b := range builds {
		s := host.Spec()
		s.OSVersion = "10.0." + strconv.Itoa(b)
		s.OSFeatures = nil
		if m.Match(s) {
			if lo == 0 {
				lo = b
			}
			hi = b
		}
	}
	switch {
	case lo == 0:
		return "no named build"
	case lo == hi:
		return "only " + windowsLabel("10.0."+strconv.Itoa(lo))
	}
	return windowsLabel("10.0."+strconv.Itoa(lo)) + " to " + windowsLabel("10.0."+strconv.Itoa(hi))
}

// archVariant is arch[/variant].
func (p Platform) archVariant() string {
	if p.Variant == "" {
		return p.Architecture
	}
	return p.Architecture + "/" + p.Variant
}

// sameFamily: architectures one host may run among each other.
func sameFamily(a, b string) bool {
	fam := func(s string) string {
		switch s {
		case "amd64", "386":
			return "x86"
		case "arm", "arm64":
			return "arm"
		}
		return s
	}
	return fam(a) == fam(b)
}

// runsBelow says what a host of h's family runs, as containerd's fallback
// goes.
func runsBelow(h Platform) string {
	switch h.Architecture {
	case "arm":
		return armChain(h.Variant)
	case "amd64":
		return amd64Chain(h.Variant)
	case "arm64":
		return h.archVariant() + " and below, then 32-bit arm"
	}
	return "only " + h.archVariant()
}

// armChain is "v8 → v7 → v6 → v5" from variant down.
func armChain(variant string) string {
	n, err := strconv.Atoi(strings.TrimPrefix(variant, "v"))
	if err != nil || n < 5 || n > maxVariantLevel {
		return "only " + orDefault(variant, "arm without a variant")
	}
	var parts []string
	for ; n >= 5; n-- {
		parts = append(parts, "v"+strconv.Itoa(n))
	}
	return strings.Join(parts, " → ")
}

// amd64Chain is "v3 → v2 → v1 → 386" from variant down.
func amd64Chain(variant string) string {
	n, err := strconv.Atoi(strings.TrimPrefix(variant, "v"))
	if err != nil || n < 1 || n > maxVariantLevel {
		n = 1
	}
	var parts []string
	for ; n >= 1; n-- {
		parts = append(parts, "v"+strconv.Itoa(n))
	}
	return strings.Join(append(parts, "386"), " → ")
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// nearness ranks entries a host cannot run: the same OS and architecture
// first (a variant or build too new), then the same architecture family,
// then the same OS, then the rest.
func nearness(host, p Platform) int {
	h, n := host.Normalize(), p.Normalize()
	switch {
	case h.OS == n.OS && h.Architecture == n.Architecture:
		return 0
	case h.OS == n.OS && sameFamily(h.Architecture, n.Architecture):
		return 1
	case h.OS == n.OS:
		return 2
	}
	return 3
}
