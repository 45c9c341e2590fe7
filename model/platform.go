package model

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/containerd/platforms"
	specs "github.com/opencontainers/image-spec/specs-go/v1"
)

// Platform is the platform of an index entry or image config.
type Platform struct {
	OS           string   `json:"os"`
	Architecture string   `json:"architecture"`
	Variant      string   `json:"variant,omitempty"`
	OSVersion    string   `json:"os.version,omitempty"`
	OSFeatures   []string `json:"os.features,omitempty"`
	Features     []string `json:"features,omitempty"`
}

// String formats the platform as os/arch[/variant][:os.version], the form
// `docker manifest inspect` users and mquery know.
func (p Platform) String() string {
	var b strings.Builder
	b.WriteString(p.OS)
	b.WriteByte('/')
	b.WriteString(p.Architecture)
	if p.Variant != "" {
		b.WriteByte('/')
		b.WriteString(p.Variant)
	}
	if p.OSVersion != "" {
		b.WriteByte(':')
		b.WriteString(p.OSVersion)
	}
	return b.String()
}

// Label is String followed by the os.features and features the platform
// requires, for display: "windows/amd64:10.0.17763 (os.features win32k)".
// String alone hides them, although they decide which hosts pick an entry.
func (p Platform) Label() string {
	var extra []string
	if len(p.OSFeatures) > 0 {
		extra = append(extra, "os.features "+strings.Join(p.OSFeatures, ","))
	}
	if len(p.Features) > 0 {
		extra = append(extra, "features "+strings.Join(p.Features, ","))
	}
	if len(extra) == 0 {
		return p.String()
	}
	return p.String() + " (" + strings.Join(extra, "; ") + ")"
}

// UnknownEntries counts the entries of an index (nested ones included)
// whose platform is unknown/unknown but which carry no attestation
// annotations (podman's create --all strips them): they are no platform,
// and no host picks them.
func UnknownEntries(t *Tree) int {
	n := 0
	var walk func([]*Entry)
	walk = func(es []*Entry) {
		for _, e := range es {
			if !e.IsAttestation() && e.Platform != nil && e.Platform.IsUnknown() {
				n++
			}
			walk(e.Children)
		}
	}
	walk(t.Entries)
	return n
}

// hostWithFeatures writes host with os.features added, in containerd's
// syntax: linux(+sse4)/amd64, windows(10.0.17763+win32k)/amd64.
func hostWithFeatures(host Platform, feats []string) string {
	s := host.Spec()
	s.OSFeatures = append(s.OSFeatures, feats...)
	sort.Strings(s.OSFeatures)
	return platforms.FormatAll(s)
}

// AnnotationNote summarises descriptor annotations for a NOTES column: the
// pairs themselves when they are short ("org.opencontainers.image.title=app"),
// else their count. BuildKit's reference annotations, which the attestation
// note already says, are left out. Keys are sorted; "" for none.
func AnnotationNote(ann map[string]string) string {
	keys := make([]string, 0, len(ann))
	for k := range ann {
		if k != AnnotationReferenceType && k != AnnotationReferenceDigest {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return ""
	}
	sort.Strings(keys)
	pairs := make([]string, len(keys))
	for i, k := range keys {
		pairs[i] = k + "=" + ann[k]
	}
	if s := strings.Join(pairs, ", "); len(keys) <= 2 && len(s) <= 60 {
		return s
	}
	if len(keys) == 1 {
		return "1 annotation"
	}
	return fmt.Sprintf("%d annotations", len(keys))
}

// IsUnknown reports whether the platform is unknown/unknown, as BuildKit marks
// attestation manifests.
func (p Platform) IsUnknown() bool { return p.OS == "unknown" && p.Architecture == "unknown" }

// Spec converts to the OCI type containerd/platforms works on. Slices are
// copied so the library may sort them without touching ours.
func (p Platform) Spec() specs.Platform {
	return specs.Platform{
		OS:           p.OS,
		Architecture: p.Architecture,
		Variant:      p.Variant,
		OSVersion:    p.OSVersion,
		OSFeatures:   append([]string(nil), p.OSFeatures...),
	}
}

// FromSpec converts from the OCI platform type.
func FromSpec(s specs.Platform) Platform {
	return Platform{
		OS:           s.OS,
		Architecture: s.Architecture,
		Variant:      s.Variant,
		OSVersion:    s.OSVersion,
		OSFeatures:   append([]string(nil), s.OSFeatures...),
	}
}

// ParsePlatform parses a host platform in containerd syntax
// (`linux/arm/v7`, `windows(10.0.20348)/amd64`) or docker/mquery syntax
// (`windows/amd64:10.0.20348`). The result is normalised by containerd.
func ParsePlatform(s string) (Platform, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return Platform{}, fmt.Errorf("empty platform: give one like linux/amd64, linux/arm/v7 or windows/amd64:10.0.20348")
	}
	osVersion := ""
	// docker/mquery syntax puts the os.version after a colon at the end.
	if i := strings.LastIndexByte(in, ':'); i >= 0 && !strings.Contains(in[i:], "/") {
		osVersion = in[i+1:]
		in = in[:i]
		if osVersion == "" {
			return Platform{}, fmt.Errorf("platform %q: empty os.version after ':'", s)
		}
		if strings.ContainsAny(in, "()") {
			return Platform{}, fmt.Errorf("platform %q: give os.version either as os(VERSION) or as :VERSION, not both", s)
		}
	}
	if !strings.Contains(in, "/") {
		return Platform{}, fmt.Errorf("platform %q: give os/arch[/variant], e.g. linux/arm64 or windows/amd64:10.0.20348", s)
	}
	sp, err := platforms.Parse(in)
	if err != nil {
		return Platform{}, fmt.Errorf("platform %q: %w", s, err)
	}
	if osVersion != "" {
		sp.OSVersion = osVersion
	}
	if sp.OSVersion != "" && !validOSVersion(sp.OSVersion) {
		return Platform{}, fmt.Errorf("platform %q: os.version %q may hold only letters, digits, '.', '_' and '-'", s, sp.OSVersion)
	}
	p := FromSpec(platforms.Normalize(sp))
	if err := checkHostVariant(p); err != nil {
		return Platform{}, fmt.Errorf("platform %q: %w", s, err)
	}
	return p, nil
}

// maxVariantLevel bounds numeric arm and amd64 variants of a host. containerd
// lists every lower level of a host's variant (arm/v7 → v6, v5), so a host
// such as linux/arm/v77777777 would make it build tens of millions of
// platforms. Real levels are arm v5–v8 and amd64 v1–v4.
const maxVariantLevel = 16

// checkHostVariant rejects host variants containerd cannot sensibly expand.
func checkHostVariant(p Platform) error {
	if p.Architecture != "arm" && p.Architecture != "amd64" {
		return nil
	}
	n, err := strconv.Atoi(strings.TrimPrefix(p.Variant, "v"))
	if err != nil || n <= maxVariantLevel {
		return nil
	}
	return fmt.Errorf("unknown %s variant %q (arm has v5 to v8, amd64 v1 to v4)", p.Architecture, p.Variant)
}

// validOSVersion reports whether v is made of the characters containerd
// allows in a platform specifier, so that the platform prints and parses
// back unchanged in either syntax.
func validOSVersion(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// Normalize returns the platform as containerd normalises it (aarch64 →
// arm64, armhf → arm/v7, …), keeping Features.
func (p Platform) Normalize() Platform {
	n := FromSpec(platforms.Normalize(p.Spec()))
	n.Features = p.Features
	return n
}
