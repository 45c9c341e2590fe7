package model

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/containerd/platforms"
)

// Check problem codes. They are stable: CI scripts match on them.
const (
	CodeMissingPlatform    = "missing-platform"    // an expected platform has no entry
	CodeUnexpectedPlatform = "unexpected-platform" // --exact: an entry for a platform not expected
	CodeMissingChild       = "missing-child"       // the registry has no such child manifest (404)
	CodeUnreadableChild    = "unreadable-child"    // the child could not be read or parsed
	CodePlatformMismatch   = "platform-mismatch"   // the descriptor's platform differs from the image config's
	CodeDuplicatePlatform  = "duplicate-platform"  // two entries for one platform
	CodeMissingAttestation = "missing-attestation" // an image without an attestation manifest
	CodeInvalidVariant     = "invalid-variant"     // a variant that does not fit its architecture
	CodeDroppedAnnotations = "dropped-annotations" // a Docker list carrying annotations its format drops
	CodeSizeLimit          = "size-limit"          // a platform's pull size over its limit
	CodeNotIndex           = "not-an-index"        // platforms were expected of a single-platform image
)

// CheckOptions are the expectations of a release check.
type CheckOptions struct {
	// Expect are the platforms that must have an entry.
	Expect []Platform
	// Exact also fails entries for platforms not in Expect.
	Exact bool
	// RequireAttestations fails images without an attestation manifest
	// in the index (BuildKit's provenance or SBOM).
	RequireAttestations bool
	// MaxSize limits the compressed pull size (config and layers) of the
	// platforms a limit names; a limit for "*" applies to every platform
	// without its own.
	MaxSize []SizeLimit
}

// SizeLimit is one --max-size PLATFORM=SIZE.
type SizeLimit struct {
	Platform Platform // OS "*" for every platform
	Bytes    int64
}

// Problem is one thing a check found.
type Problem struct {
	Code     string `json:"code"`
	Platform string `json:"platform,omitempty"`
	Message  string `json:"message"`
}

// validateCodes maps the findings of StagedList.Validate that a release
// check reports to check codes; the other findings are a staging concern.
var validateCodes = map[string]string{
	"duplicate-platform":  CodeDuplicatePlatform,
	"bad-variant":         CodeInvalidVariant,
	"config-mismatch":     CodePlatformMismatch,
	"dropped-annotations": CodeDroppedAnnotations,
}

// Check runs a release check on a fetched tree (children and configs
// fetched): the platforms expected, the children readable, and the rules of
// StagedList.Validate (duplicate platforms, variants, config mismatches,
// dropped annotations). Problems come in index order, the expected
// platforms missing last.
func Check(t *Tree, o CheckOptions) []Problem {
	var out []Problem
	add := func(code, plat, format string, args ...any) {
		out = append(out, Problem{Code: code, Platform: plat, Message: fmt.Sprintf(format, args...)})
	}
	if !t.IsIndex() {
		return checkSingle(t, o)
	}
	// Validate's rules, on the list as it would be staged from the tag.
	if l, err := StagedFromTree("check", t.Reference, t); err == nil {
		for _, f := range l.Validate() {
			code, ok := validateCodes[f.Code]
			if !ok {
				continue
			}
			plat := ""
			if f.Entry >= 0 && f.Entry < len(l.Entries) && l.Entries[f.Entry].Platform != nil {
				plat = l.Entries[f.Entry].Platform.String()
			}
			add(code, plat, "%s", f.Message)
		}
	}
	images := imageEntries(t.Entries)
	for _, e := range images {
		plat := entryPlatform(e).String()
		switch {
		case e.Missing:
			add(CodeMissingChild, plat, "child %s is missing from the registry (404): a host that picks %s fails to pull", short(e.Digest), plat)
			continue
		case e.Err != "":
			add(CodeUnreadableChild, plat, "child %s could not be read: %s", short(e.Digest), e.Err)
			continue
		}
		if e.Platform == nil && e.Mismatch != "" {
			add(CodePlatformMismatch, plat, "%s", e.Mismatch)
		}
		if o.RequireAttestations && !attested(e) {
			msg := fmt.Sprintf("%s (%s) has no attestation: none in the index (build with --provenance or --sbom)", plat, short(e.Digest))
			switch {
			case e.Supply == nil:
			case e.Supply.Unknown():
				msg += ", and the referrers could not be read: " + strings.Join(e.Supply.Errs, "; ")
			default:
				msg += " and none among its referrers"
			}
			add(CodeMissingAttestation, plat, "%s", msg)
		}
		if lim, ok := limitFor(o.MaxSize, entryPlatform(e)); ok && e.Image != nil {
			if n := e.Image.TotalSize(); n > lim {
				add(CodeSizeLimit, plat, "%s pulls %s, over its limit of %s", plat, FormatSize(n), FormatSize(lim))
			}
		}
	}
	expect := expectations(o.Expect)
	for _, want := range expect {
		if !anyEntry(images, want.matches) {
			add(CodeMissingPlatform, want.p.String(), "expected %s, and the index has no entry for it (available: %s)", want.p, platformNames(images))
		}
	}
	if o.Exact {
		for _, e := range images {
			p := entryPlatform(e)
			if !anyExpected(expect, p) {
				add(CodeUnexpectedPlatform, p.String(), "%s (%s) is not an expected platform", p, short(e.Digest))
			}
		}
	}
	return out
}

// attestationKinds are the referrer kinds that attest an image (a
// signature alone does not).
var attestationKinds = []Kind{KindAttestation, KindProvenance, KindSBOM, KindVEX}

// attested reports whether an image has an attestation: a BuildKit
// attestation manifest in the index, or an attestation, provenance, SBOM or
// VEX among its referrers (OCI referrers, tag schema, cosign .att/.sbom),
// when those were looked up.
func attested(e *Entry) bool {
	if len(e.Attestations) > 0 {
		return true
	}
	for _, k := range attestationKinds {
		if e.Supply.Count(k) > 0 {
			return true
		}
	}
	return false
}

// checkSingle checks a single-platform image: it is one platform.
func checkSingle(t *Tree, o CheckOptions) []Problem {
	var out []Problem
	var p Platform
	if t.Image != nil && t.Image.Config != nil {
		p = t.Image.Config.Platform()
	}
	for _, want := range expectations(o.Expect) {
		if !want.matches(p) {
			out = append(out, Problem{Code: CodeMissingPlatform, Platform: want.p.String(),
				Message: fmt.Sprintf("expected %s, and %s is a single-platform image of %s", want.p, t.Reference, p)})
		}
	}
	if o.RequireAttestations {
		out = append(out, Problem{Code: CodeMissingAttestation, Platform: p.String(), Message: "a single-platform image carries no attestation manifest in an index"})
	}
	if lim, ok := limitFor(o.MaxSize, p); ok && t.Image != nil {
		if n := t.Image.TotalSize(); n > lim {
			out = append(out, Problem{Code: CodeSizeLimit, Platform: p.String(), Message: fmt.Sprintf("%s pulls %s, over its limit of %s", p, FormatSize(n), FormatSize(lim))})
		}
	}
	return out
}

// imageEntries are the image entries of an index, nested indexes flattened,
// attestations left out.
func imageEntries(es []*Entry) []*Entry {
	var out []*Entry
	for _, e := range es {
		switch {
		case e.IsAttestation():
		case len(e.Children) > 0:
			out = append(out, imageEntries(e.Children)...)
		default:
			out = append(out, e)
		}
	}
	return out
}

// entryPlatform is the entry's platform, or its config's without one.
func entryPlatform(e *Entry) Platform {
	p, _, _ := candidatePlatform(e)
	return p
}

func anyEntry(es []*Entry, f func(Platform) bool) bool {
	for _, e := range es {
		if f(entryPlatform(e)) {
			return true
		}
	}
	return false
}

func anyExpected(expect []expectation, p Platform) bool {
	for _, w := range expect {
		if w.matches(p) {
			return true
		}
	}
	return false
}

// expectation is an expected platform with its containerd matcher.
type expectation struct {
	p Platform
	m platforms.Matcher
}

func expectations(ps []Platform) []expectation {
	out := make([]expectation, len(ps))
	for i, p := range ps {
		out[i] = expectation{p, platforms.OnlyStrict(p.Spec())}
	}
	return out
}

// matches reports whether an entry of platform p satisfies the expected
// platform: containerd's strict match (no fallback: an arm/v6 entry is no
// arm/v7), and for an expectation that names a Windows build, that build.
func (w expectation) matches(p Platform) bool {
	if p.OS == "" || !w.m.Match(p.Spec()) {
		return false
	}
	if w.p.OS == "windows" && w.p.OSVersion != "" {
		return WindowsBuild(w.p.OSVersion) == WindowsBuild(p.OSVersion)
	}
	return true
}

// limitFor is the size limit that applies to p: its own, else "*".
func limitFor(ls []SizeLimit, p Platform) (int64, bool) {
	all, hasAll := int64(0), false
	for _, l := range ls {
		if l.Platform.OS == "*" {
			all, hasAll = l.Bytes, true
			continue
		}
		if (expectation{l.Platform, platforms.OnlyStrict(l.Platform.Spec())}).matches(p) {
			return l.Bytes, true
		}
	}
	return all, hasAll
}

func platformNames(es []*Entry) string {
	var names []string
	for _, e := range es {
		names = append(names, entryPlatform(e).String())
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// ParseSizeLimit parses PLATFORM=SIZE ("linux/amd64=200MB", "*=1GiB").
func ParseSizeLimit(s string) (SizeLimit, error) {
	plat, size, ok := strings.Cut(s, "=")
	if !ok {
		return SizeLimit{}, fmt.Errorf("--max-size %q: give PLATFORM=SIZE, e.g. linux/amd64=200MB or *=1GiB", s)
	}
	n, err := ParseSize(size)
	if err != nil {
		return SizeLimit{}, fmt.Errorf("--max-size %q: %w", s, err)
	}
	if strings.TrimSpace(plat) == "*" {
		return SizeLimit{Platform: Platform{OS: "*"}, Bytes: n}, nil
	}
	p, err := ParsePlatform(plat)
	if err != nil {
		return SizeLimit{}, fmt.Errorf("--max-size %q: %w", s, err)
	}
	return SizeLimit{Platform: p, Bytes: n}, nil
}

// sizeUnits are the units ParseSize takes: decimal (kB, MB, GB, TB, as
// registries and docker show sizes) and binary (KiB, MiB, GiB, TiB).
var sizeUnits = map[string]float64{
	"": 1, "b": 1,
	"k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9, "t": 1e12, "tb": 1e12,
	"ki": 1 << 10, "kib": 1 << 10, "mi": 1 << 20, "mib": 1 << 20, "gi": 1 << 30, "gib": 1 << 30, "ti": 1 << 40, "tib": 1 << 40,
}

// ParseSize parses a byte size: "123", "200MB", "1.5 GiB".
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, unit := t, ""
	if i >= 0 {
		num, unit = t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	}
	mul, ok := sizeUnits[unit]
	f, err := strconv.ParseFloat(num, 64)
	if !ok || err != nil || f < 0 || num == "" {
		return 0, fmt.Errorf("size %q: give bytes or a number with kB, MB, GB, KiB, MiB or GiB", s)
	}
	v := f * mul
	if v >= 1<<62 {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return int64(v), nil
}

// FormatSize formats bytes in decimal units, as registries and docker do.
func FormatSize(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}
