package model

import (
	"fmt"
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
	return FromSpec(platforms.Normalize(sp)), nil
}

// Normalize returns the platform as containerd normalises it (aarch64 →
// arm64, armhf → arm/v7, …), keeping Features.
func (p Platform) Normalize() Platform {
	n := FromSpec(platforms.Normalize(p.Spec()))
	n.Features = p.Features
	return n
}
