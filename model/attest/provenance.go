package attest

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	provv02 "github.com/in-toto/attestation/go/predicates/provenance/v02"
	provv1 "github.com/in-toto/attestation/go/predicates/provenance/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// Provenance is what a SLSA provenance predicate says about a build.
type Provenance struct {
	SLSAVersion string     `json:"slsaVersion"` // "v0.2" or "v1"
	BuilderID   string     `json:"builderId"`
	BuildType   string     `json:"buildType"`
	Source      string     `json:"source,omitempty"`   // repository
	Revision    string     `json:"revision,omitempty"` // commit
	BuiltOn     *time.Time `json:"builtOn,omitempty"`  // finished, else started
}

// buildkitMetadata is the key under which BuildKit records its own
// metadata (vcs source and revision) in provenance.
const buildkitMetadata = "https://mobyproject.org/buildkit@v1#metadata"

// protoUnmarshal decodes JSON into a message, ignoring unknown fields (the
// predicates carry builder-specific extensions).
func protoUnmarshal(b []byte, m proto.Message) error {
	return protojson.UnmarshalOptions{DiscardUnknown: true}.Unmarshal(b, m)
}

// DecodeProvenance decodes a SLSA provenance predicate, v0.2 or v1, with
// the in-toto attestation bindings.
func DecodeProvenance(predicateType string, pred json.RawMessage) (*Provenance, error) {
	if len(pred) == 0 || string(pred) == "null" {
		return nil, fmt.Errorf("provenance: no predicate")
	}
	p := &Provenance{}
	switch {
	case strings.HasSuffix(predicateType, "/v0.2"):
		var v provv02.Provenance
		if err := protoUnmarshal(pred, &v); err != nil {
			return nil, fmt.Errorf("SLSA provenance v0.2: %w", err)
		}
		p.SLSAVersion = "v0.2"
		p.BuilderID = v.GetBuilder().GetId()
		p.BuildType = v.GetBuildType()
		cs := v.GetInvocation().GetConfigSource()
		p.Source, p.Revision = cs.GetUri(), firstDigest(cs.GetDigest())
		if p.Source == "" {
			// The git material, not a base image (those have only sha256).
			for _, m := range v.GetMaterials() {
				if isGitDigest(m.GetDigest()) {
					p.Source, p.Revision = m.GetUri(), firstDigest(m.GetDigest())
					break
				}
			}
		}
		p.BuiltOn = when(v.GetMetadata().GetBuildFinishedOn(), v.GetMetadata().GetBuildStartedOn())
	case strings.HasSuffix(predicateType, "/v1"):
		var v provv1.Provenance
		if err := protoUnmarshal(pred, &v); err != nil {
			return nil, fmt.Errorf("SLSA provenance v1: %w", err)
		}
		p.SLSAVersion = "v1"
		p.BuilderID = v.GetRunDetails().GetBuilder().GetId()
		p.BuildType = v.GetBuildDefinition().GetBuildType()
		p.Source, p.Revision = v1Source(v.GetBuildDefinition())
		md := v.GetRunDetails().GetMetadata()
		p.BuiltOn = when(md.GetFinishedOn(), md.GetStartedOn())
	default:
		return nil, fmt.Errorf("provenance: unknown version %q", Clean(predicateType))
	}
	// BuildKit records the git source in its own metadata, which the
	// bindings drop as an extension: read it when configSource said nothing.
	if src, rev := buildkitVCS(pred); src != "" && (p.Source == "" || p.Revision == "") {
		p.Source, p.Revision = src, rev
	}
	p.BuilderID, p.BuildType = Clean(p.BuilderID), Clean(p.BuildType)
	p.Source, p.Revision = Clean(p.Source), Clean(p.Revision)
	return p, nil
}

// v1Source finds the source repository and revision of a SLSA v1 build:
// BuildKit's externalParameters.configSource, GitHub's workflow, or the
// first resolved dependency with a git digest.
func v1Source(bd *provv1.BuildDefinition) (string, string) {
	ext := bd.GetExternalParameters().GetFields()
	if cs := ext["configSource"].GetStructValue().GetFields(); cs != nil {
		if uri := cs["uri"].GetStringValue(); uri != "" {
			return uri, firstDigestStruct(cs["digest"].GetStructValue())
		}
	}
	var repo string
	if wf := ext["workflow"].GetStructValue().GetFields(); wf != nil {
		repo = wf["repository"].GetStringValue()
	}
	for _, d := range bd.GetResolvedDependencies() {
		if rev := firstDigest(d.GetDigest()); rev != "" && (strings.HasPrefix(d.GetUri(), "git+") || isGitDigest(d.GetDigest())) {
			if repo == "" {
				repo = d.GetUri()
			}
			return repo, rev
		}
	}
	return repo, ""
}

// buildkitVCS reads metadata."https://mobyproject.org/buildkit@v1#metadata".vcs
// (v0.2) or runDetails.metadata.buildkit_metadata.vcs (v1).
func buildkitVCS(pred json.RawMessage) (string, string) {
	var v struct {
		Metadata map[string]json.RawMessage `json:"metadata"`
		Run      struct {
			Metadata map[string]json.RawMessage `json:"metadata"`
		} `json:"runDetails"`
	}
	if json.Unmarshal(pred, &v) != nil {
		return "", ""
	}
	raw := v.Metadata[buildkitMetadata]
	if raw == nil {
		raw = v.Run.Metadata["buildkit_metadata"]
	}
	var md struct {
		VCS map[string]string `json:"vcs"`
	}
	if raw == nil || json.Unmarshal(raw, &md) != nil {
		return "", ""
	}
	return md.VCS["source"], md.VCS["revision"]
}

// firstDigest returns a git commit from a digest map (gitCommit or sha1
// first, as builders record commits), else any value.
func firstDigest(d map[string]string) string {
	for _, k := range []string{"gitCommit", "sha1", "sha256"} {
		if v := d[k]; v != "" {
			return v
		}
	}
	for _, k := range slices.Sorted(maps.Keys(d)) {
		return d[k]
	}
	return ""
}

func firstDigestStruct(s *structpb.Struct) string {
	m := map[string]string{}
	for k, v := range s.GetFields() {
		m[k] = v.GetStringValue()
	}
	return firstDigest(m)
}

func when(ts ...*timestamppb.Timestamp) *time.Time {
	for _, t := range ts {
		if t != nil && t.IsValid() {
			u := t.AsTime().UTC()
			return &u
		}
	}
	return nil
}

// isGitDigest reports whether a digest set names a git commit (gitCommit,
// or sha1 as BuildKit records it), not an image.
func isGitDigest(d map[string]string) bool { return d["gitCommit"] != "" || d["sha1"] != "" }
