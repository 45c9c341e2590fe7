package model

import "strings"

// This file is manifold's one vocabulary of media types, artifact types and
// in-toto predicate types: each is given a Kind and a short name. A new
// artifact type is one new line in a table below; nothing else in manifold
// compares media type strings to decide what a thing is.

// Kind says what a piece of content is, whatever its exact media type.
type Kind string

// The kinds. Unknown media types are KindOther: kept, shown, never rejected.
const (
	KindOther       Kind = "other"
	KindIndex       Kind = "index"        // manifest list or image index
	KindImage       Kind = "image"        // single-platform manifest
	KindImageConfig Kind = "image config" // a container image's config (OCI or Docker)
	KindConfig      Kind = "config"       // an artifact's config (empty, plugin, ...)
	KindLayer       Kind = "layer"        // filesystem layer
	KindAttestation Kind = "attestation"  // in-toto statement of a kind not named below
	KindSignature   Kind = "signature"    // cosign, sigstore or notation signature
	KindSBOM        Kind = "sbom"         // SPDX or CycloneDX document
	KindProvenance  Kind = "provenance"   // SLSA provenance
	KindVEX         Kind = "vex"          // vulnerability exploitability exchange
)

// IsSupplyChain reports whether k is a kind of artifact attached to an
// image: attestation, signature, SBOM, provenance or VEX.
func (k Kind) IsSupplyChain() bool {
	switch k {
	case KindAttestation, KindSignature, KindSBOM, KindProvenance, KindVEX:
		return true
	}
	return false
}

// Media types manifold understands. Unknown media types are kept, not rejected.
const (
	MediaTypeDockerList     = "application/vnd.docker.distribution.manifest.list.v2+json"
	MediaTypeDockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
	MediaTypeDockerConfig   = "application/vnd.docker.container.image.v1+json"
	MediaTypeOCIIndex       = "application/vnd.oci.image.index.v1+json"
	MediaTypeOCIManifest    = "application/vnd.oci.image.manifest.v1+json"
	MediaTypeOCIConfig      = "application/vnd.oci.image.config.v1+json"
	MediaTypeOCIEmpty       = "application/vnd.oci.empty.v1+json"
	MediaTypeSchema1        = "application/vnd.docker.distribution.manifest.v1+json"
	MediaTypeSchema1Signed  = "application/vnd.docker.distribution.manifest.v1+prettyjws"

	// Supply-chain media and artifact types.
	MediaTypeInToto          = "application/vnd.in-toto+json"
	MediaTypeDSSE            = "application/vnd.dsse.envelope.v1+json"
	MediaTypeCosignSimple    = "application/vnd.dev.cosign.simplesigning.v1+json"
	MediaTypeCosignSig       = "application/vnd.dev.cosign.artifact.sig.v1+json"
	MediaTypeCosignAtt       = "application/vnd.dev.cosign.artifact.att.v1+json"
	MediaTypeCosignSBOM      = "application/vnd.dev.cosign.artifact.sbom.v1+json"
	MediaTypeSigstoreBundle  = "application/vnd.dev.sigstore.bundle.v0.3+json"
	MediaTypeNotarySignature = "application/vnd.cncf.notary.signature"
	MediaTypeSPDX            = "application/spdx+json"
	MediaTypeCycloneDX       = "application/vnd.cyclonedx+json"
	MediaTypeOpenVEX         = "application/vnd.openvex+json"
)

// mediaType is one line of the vocabulary.
type mediaType struct {
	kind Kind
	name string // short name shown in tables and the tree
}

// mediaTypes is the vocabulary, keyed by media type or artifact type.
var mediaTypes = map[string]mediaType{
	MediaTypeDockerList:     {KindIndex, "Docker list"},
	MediaTypeOCIIndex:       {KindIndex, "OCI index"},
	MediaTypeDockerManifest: {KindImage, "Docker manifest"},
	MediaTypeOCIManifest:    {KindImage, "OCI manifest"},
	MediaTypeSchema1:        {KindImage, "Docker schema 1"},
	MediaTypeSchema1Signed:  {KindImage, "Docker schema 1"},
	MediaTypeDockerConfig:   {KindImageConfig, "Docker config"},
	MediaTypeOCIConfig:      {KindImageConfig, "OCI config"},
	MediaTypeOCIEmpty:       {KindConfig, "empty"},

	"application/vnd.docker.image.rootfs.diff.tar.gzip":                   {KindLayer, "tar+gzip"},
	"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip":           {KindLayer, "foreign tar+gzip"},
	"application/vnd.oci.image.layer.v1.tar":                              {KindLayer, "tar"},
	"application/vnd.oci.image.layer.v1.tar+gzip":                         {KindLayer, "tar+gzip"},
	"application/vnd.oci.image.layer.v1.tar+zstd":                         {KindLayer, "tar+zstd"},
	"application/vnd.oci.image.layer.nondistributable.v1.tar":             {KindLayer, "foreign tar"},
	"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip":        {KindLayer, "foreign tar+gzip"},
	"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd":        {KindLayer, "foreign tar+zstd"},
	"application/vnd.docker.plugin.v1+json":                               {KindConfig, "Docker plugin"},
	"application/vnd.docker.image.rootfs.diff.tar.zstd":                   {KindLayer, "tar+zstd"},
	"application/vnd.oci.image.layer.v1.tar+encrypted":                    {KindLayer, "encrypted tar"},
	"application/vnd.oci.image.layer.v1.tar+gzip+encrypted":               {KindLayer, "encrypted tar+gzip"},
	"application/vnd.oci.image.layer.v1.tar+zstd+encrypted":               {KindLayer, "encrypted tar+zstd"},
	"application/vnd.docker.container.image.rootfs.diff+x-gtar":           {KindLayer, "tar"},
	"application/vnd.docker.image.rootfs.diff.tar":                        {KindLayer, "tar"},
	"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip+sparse": {KindLayer, "foreign tar+gzip"},

	MediaTypeInToto:                 {KindAttestation, "in-toto"},
	MediaTypeDSSE:                   {KindAttestation, "DSSE"},
	MediaTypeCosignAtt:              {KindAttestation, "cosign attestation"},
	MediaTypeCosignSimple:           {KindSignature, "cosign signature"},
	MediaTypeCosignSig:              {KindSignature, "cosign signature"},
	MediaTypeSigstoreBundle:         {KindSignature, "sigstore bundle"},
	MediaTypeNotarySignature:        {KindSignature, "notation signature"},
	MediaTypeCosignSBOM:             {KindSBOM, "cosign SBOM"},
	MediaTypeSPDX:                   {KindSBOM, "SPDX"},
	"text/spdx":                     {KindSBOM, "SPDX"},
	"text/spdx+json":                {KindSBOM, "SPDX"},
	MediaTypeCycloneDX:              {KindSBOM, "CycloneDX"},
	"application/vnd.cyclonedx":     {KindSBOM, "CycloneDX"},
	"application/vnd.cyclonedx+xml": {KindSBOM, "CycloneDX"},
	"application/vnd.syft+json":     {KindSBOM, "Syft"},
	MediaTypeOpenVEX:                {KindVEX, "OpenVEX"},
	"application/openvex+json":      {KindVEX, "OpenVEX"},
}

// predicateTypes gives in-toto predicate types a kind, by exact type or, for
// entries ending in "/", by prefix.
var predicateTypes = []struct {
	prefix string
	kind   Kind
	name   string
}{
	{"https://slsa.dev/provenance/", KindProvenance, "SLSA provenance"},
	{"https://spdx.dev/Document", KindSBOM, "SPDX"},
	{"https://cyclonedx.org/bom", KindSBOM, "CycloneDX"},
	{"https://cyclonedx.org/vex", KindVEX, "CycloneDX VEX"},
	{"https://openvex.dev/ns", KindVEX, "OpenVEX"},
	{"https://cosign.sigstore.dev/attestation/vuln/", KindAttestation, "vulnerability scan"},
	{"https://in-toto.io/attestation/vulns", KindAttestation, "vulnerability scan"},
	{"https://in-toto.io/attestation/", KindAttestation, "in-toto"},
}

// Annotation keys that tie artifacts to what they describe.
const (
	// BuildKit ties an attestation manifest to its image with these.
	AnnotationReferenceType   = "vnd.docker.reference.type"
	AnnotationReferenceDigest = "vnd.docker.reference.digest"
	ReferenceTypeAttestation  = "attestation-manifest"

	// AnnotationPredicateType names the predicate of an in-toto layer
	// (BuildKit); cosign writes the un-namespaced "predicateType".
	AnnotationPredicateType       = "in-toto.io/predicate-type"
	AnnotationCosignPredicateType = "predicateType"
	// AnnotationCosignSignature holds a cosign layer's base64 signature.
	AnnotationCosignSignature = "dev.cosignproject.cosign/signature"
	// AnnotationCosignCertificate etc. carry a keyless signature's proof.
	AnnotationCosignCertificate = "dev.sigstore.cosign/certificate"
	AnnotationCosignChain       = "dev.sigstore.cosign/chain"
	AnnotationCosignBundle      = "dev.sigstore.cosign/bundle"
	// AnnotationBundleContent and AnnotationBundlePredicateType describe a
	// sigstore bundle referrer (cosign --new-bundle-format).
	AnnotationBundleContent       = "dev.sigstore.bundle.content"
	AnnotationBundlePredicateType = "dev.sigstore.bundle.predicateType"
	// AnnotationTitle is a layer's file name (oras).
	AnnotationTitle = "org.opencontainers.image.title"
)

// KindOf returns the kind of a media type or artifact type. Parameters
// ("; charset=utf-8") are ignored.
func KindOf(mt string) Kind {
	if m, ok := mediaTypes[baseType(mt)]; ok {
		return m.kind
	}
	return KindOther
}

// MediaTypeName returns a short name for a media type, or the media type
// itself when it has none. The result is not sanitized.
func MediaTypeName(mt string) string {
	if m, ok := mediaTypes[baseType(mt)]; ok {
		return m.name
	}
	return mt
}

// PredicateKind returns the kind of an in-toto predicate type; an unknown
// predicate is a plain attestation.
func PredicateKind(predicateType string) Kind {
	for _, p := range predicateTypes {
		if strings.HasPrefix(predicateType, p.prefix) {
			return p.kind
		}
	}
	return KindAttestation
}

// PredicateName returns a short name for an in-toto predicate type.
func PredicateName(predicateType string) string {
	for _, p := range predicateTypes {
		if strings.HasPrefix(predicateType, p.prefix) {
			return p.name
		}
	}
	return predicateType
}

// ArtifactKind classifies an artifact manifest, as oras and cosign write
// them: by a specific artifactType or config media type first, then the
// layers (with their predicate annotations). Layer types alone are weak
// evidence (oras types a CycloneDX file as a plain tar layer), so they come
// last.
func ArtifactKind(artifactType, configType string, layers []Descriptor) Kind {
	for _, t := range []string{artifactType, configType} {
		if k := KindOf(t); k.IsSupplyChain() && k != KindAttestation {
			return k
		}
	}
	// Layers: one specific kind names the artifact; several (a BuildKit
	// attestation manifest with provenance and an SBOM) make it a plain
	// attestation, its statements say the rest.
	best := KindOther
	for _, t := range []string{artifactType, configType} {
		if KindOf(t) == KindAttestation {
			best = KindAttestation
		}
	}
	for _, l := range layers {
		k := KindOf(l.MediaType)
		if p := layerPredicate(l); p != "" {
			k = PredicateKind(p)
		}
		switch {
		case !k.IsSupplyChain() || k == best:
		case best == KindOther || best == KindAttestation:
			if k != KindAttestation || best == KindOther {
				best = k
			}
		case k != KindAttestation:
			return KindAttestation // two specific kinds
		}
	}
	return best
}

// layerPredicate returns the predicate type annotated on a layer, if any.
func layerPredicate(l Descriptor) string {
	if p := l.Annotations[AnnotationPredicateType]; p != "" {
		return p
	}
	if p := l.Annotations[AnnotationBundlePredicateType]; p != "" {
		return p
	}
	return l.Annotations[AnnotationCosignPredicateType]
}

// ArtifactTypeOf is an image manifest's artifact type as the OCI image spec
// defines it: its artifactType field, else its config's media type when that
// is not a container image's config. It is "" for a plain image.
func ArtifactTypeOf(artifactType, configType string) string {
	if artifactType != "" {
		return artifactType
	}
	if configType == "" || KindOf(configType) == KindImageConfig {
		return ""
	}
	return configType
}

// IsIndexMediaType reports whether mt is a manifest list or image index.
func IsIndexMediaType(mt string) bool {
	return mt == MediaTypeDockerList || mt == MediaTypeOCIIndex
}

// IsManifestMediaType reports whether mt is a single-image manifest that
// manifold reads (schema 1 is not one).
func IsManifestMediaType(mt string) bool {
	return mt == MediaTypeDockerManifest || mt == MediaTypeOCIManifest
}

// isManifestLike reports whether a descriptor points at something fetched
// from /manifests/ (an empty type is tried as one).
func isManifestLike(mt string) bool {
	return IsIndexMediaType(mt) || IsManifestMediaType(mt) || mt == ""
}

// isConfigMediaType reports whether a config blob is worth fetching: image
// configs, and JSON artifact configs such as in-toto ones.
func isConfigMediaType(mt string) bool {
	return mt == "" || mt == MediaTypeDockerConfig || mt == MediaTypeOCIConfig || mt == MediaTypeInToto
}

func baseType(mt string) string {
	if i := strings.IndexByte(mt, ';'); i >= 0 {
		return strings.TrimSpace(mt[:i])
	}
	return mt
}
