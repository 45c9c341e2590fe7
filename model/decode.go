package model

import (
	"fmt"

	"github.com/manifold-dev/manifold/model/attest"
)

// DecodeArtifact decodes the fetched layers of an attestation or referrer
// manifest: in-toto statements (raw or in DSSE), cosign simple-signing
// payloads and SBOM documents. Layers not fetched are skipped; layers that
// failed are reported in Errs.
func DecodeArtifact(im *Image, store Store) *Artifact {
	a := &Artifact{}
	kind := ArtifactKind(im.ArtifactType, im.ConfigDescriptor.MediaType, im.Layers)
	for i, l := range im.Layers {
		if i == MaxArtifactLayers {
			a.Errs = append(a.Errs, fmt.Sprintf("%d more layers not read (limit %d)", len(im.Layers)-i, MaxArtifactLayers))
			break
		}
		c, ok := store[l.Digest]
		switch {
		case !ok:
			continue
		case c.NotFound:
			a.Errs = append(a.Errs, "layer "+short(l.Digest)+": not found (404)")
			continue
		case c.Err != nil:
			a.Errs = append(a.Errs, "layer "+short(l.Digest)+": "+c.Err.Error())
			continue
		}
		lk := KindOf(l.MediaType)
		switch {
		case l.MediaType == MediaTypeCosignSimple:
			a.Signatures = append(a.Signatures, attest.DecodeCosignSignature(c.Raw, l.Annotations))
		case l.MediaType == MediaTypeInToto || l.MediaType == MediaTypeDSSE:
			st, err := attest.DecodeStatement(c.Raw)
			if err != nil {
				a.Errs = append(a.Errs, "layer "+short(l.Digest)+": "+attest.Clean(err.Error()))
				continue
			}
			if st.PredicateType == "" {
				st.PredicateType = attest.Clean(layerPredicate(l))
			}
			a.Statements = append(a.Statements, st)
			if st.Envelope != nil && len(st.Envelope.Signatures) > 0 {
				a.Signatures = append(a.Signatures, attest.DecodeEnvelopeSignature(st, l.Annotations))
			}
		case l.MediaType == MediaTypeSigstoreBundle:
			st, sig, err := attest.DecodeBundle(c.Raw)
			if err != nil {
				a.Errs = append(a.Errs, "layer "+short(l.Digest)+": "+attest.Clean(err.Error()))
				continue
			}
			a.Signatures = append(a.Signatures, sig)
			if st.PredicateType != attest.PredicateCosignSign {
				a.Statements = append(a.Statements, st)
			}
		case lk == KindSBOM || (kind == KindSBOM && lk != KindSignature):
			sb, err := attest.DecodeSBOM(c.Raw)
			if err != nil {
				a.Errs = append(a.Errs, "layer "+short(l.Digest)+": "+attest.Clean(err.Error()))
				continue
			}
			a.SBOMs = append(a.SBOMs, sb)
		case lk == KindSignature:
			a.Errs = append(a.Errs, "layer "+short(l.Digest)+": "+MediaTypeName(l.MediaType)+" is shown, not decoded")
		}
	}
	return a
}

// StatementKind is the kind of a decoded statement, from its predicate.
func StatementKind(st *attest.Statement) Kind { return PredicateKind(st.PredicateType) }
