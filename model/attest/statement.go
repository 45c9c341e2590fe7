// Package attest decodes what supply-chain artifacts say: in-toto statements
// (raw, as BuildKit writes them, or in DSSE envelopes, as cosign does), SLSA
// provenance, SPDX and CycloneDX SBOMs, and cosign signatures, and verifies
// cosign signatures against a public key. It does no I/O.
//
// Everything it returns is registry data made safe to print: every decoded
// string passes through termsafe and is capped at MaxField bytes, and lists
// are capped (MaxPackages). The raw bytes stay available for the raw view.
package attest

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	intoto "github.com/in-toto/attestation/go/v1"
	"github.com/secure-systems-lab/go-securesystemslib/dsse"

	"github.com/manifold-dev/manifold/internal/termsafe"
)

// MaxField caps each decoded string, in bytes, before it is sanitized.
const MaxField = 1024

// MaxPackages caps the packages kept from one SBOM; the count is still
// exact (Packages is then truncated and Truncated set).
const MaxPackages = 20000

// MaxSubjects caps the subjects kept from one statement.
const MaxSubjects = 64

// PayloadTypeInToto is the DSSE payload type of an in-toto statement.
const PayloadTypeInToto = "application/vnd.in-toto+json"

// statementTypeV01 is the legacy statement type cosign still writes (the
// in-toto bindings accept it but do not export the constant).
const statementTypeV01 = "https://in-toto.io/Statement/v0.1"

// Statement is a decoded in-toto statement.
type Statement struct {
	Type          string    `json:"type"`
	PredicateType string    `json:"predicateType"`
	Subjects      []Subject `json:"subjects,omitempty"`
	// Envelope is set when the statement came in a DSSE envelope.
	Envelope *Envelope `json:"-"`

	Provenance *Provenance `json:"provenance,omitempty"`
	SBOM       *SBOM       `json:"sbom,omitempty"`
	// PredicateErr says why a predicate of a known type did not decode.
	PredicateErr string `json:"predicateError,omitempty"`

	// Raw is the statement JSON, unchanged (the DSSE payload when it came
	// in an envelope). Not sanitized: for the raw view, which escapes.
	Raw []byte `json:"-"`
}

// Subject is one subject of a statement: what it is about.
type Subject struct {
	Name   string `json:"name,omitempty"`
	Digest string `json:"digest"` // "sha256:<hex>" when a sha256 is given
}

// Envelope is a DSSE envelope: its payload type and signatures.
type Envelope struct {
	PayloadType string
	Payload     []byte
	Signatures  []dsse.Signature
	raw         dsse.Envelope
}

// ErrNotStatement is returned for JSON that is neither an in-toto statement
// nor a DSSE envelope around one.
var ErrNotStatement = errors.New("not an in-toto statement")

// rawStatement is the shape shared by statement v0.1 and v1. The predicate
// is kept as bytes: SBOM predicates are large and decoded by their own
// libraries.
type rawStatement struct {
	Type          string            `json:"_type"`
	PredicateType string            `json:"predicateType"`
	Subject       []json.RawMessage `json:"subject"`
	Predicate     json.RawMessage   `json:"predicate"`
}

// DecodeStatement decodes an in-toto statement, raw or in a DSSE envelope.
// predicateHint is the predicate type annotated on the layer, used when the
// statement has none.
func DecodeStatement(raw []byte) (*Statement, error) {
	raw = bytes.TrimSpace(raw)
	var env dsse.Envelope
	var st Statement
	if err := json.Unmarshal(raw, &env); err == nil && env.PayloadType != "" {
		payload, err := env.DecodeB64Payload()
		if err != nil {
			return nil, fmt.Errorf("DSSE envelope: payload: %w", err)
		}
		if env.PayloadType != PayloadTypeInToto {
			return nil, fmt.Errorf("DSSE envelope: payload type %q: %w", Clean(env.PayloadType), ErrNotStatement)
		}
		st.Envelope = &Envelope{PayloadType: env.PayloadType, Payload: payload, Signatures: env.Signatures, raw: env}
		raw = payload
	}
	var rs rawStatement
	if err := json.Unmarshal(raw, &rs); err != nil {
		return nil, fmt.Errorf("in-toto statement: %w", err)
	}
	if rs.Type != intoto.StatementTypeUri && rs.Type != statementTypeV01 {
		return nil, fmt.Errorf("type %q: %w", Clean(rs.Type), ErrNotStatement)
	}
	st.Type, st.PredicateType, st.Raw = Clean(rs.Type), Clean(rs.PredicateType), raw
	for i, s := range rs.Subject {
		if i == MaxSubjects {
			break
		}
		var rd intoto.ResourceDescriptor
		if err := protoUnmarshal(s, &rd); err != nil {
			continue
		}
		sub := Subject{Name: Clean(rd.GetName())}
		if h := rd.GetDigest()["sha256"]; h != "" {
			sub.Digest = "sha256:" + Clean(h)
		}
		st.Subjects = append(st.Subjects, sub)
	}
	decodePredicate(&st, rs.Predicate)
	return &st, nil
}

// decodePredicate fills Provenance or SBOM for the predicate types it knows.
func decodePredicate(st *Statement, pred json.RawMessage) {
	var err error
	switch {
	case strings.HasPrefix(st.PredicateType, "https://slsa.dev/provenance/"):
		st.Provenance, err = DecodeProvenance(st.PredicateType, pred)
	case strings.HasPrefix(st.PredicateType, "https://spdx.dev/Document"):
		st.SBOM, err = DecodeSPDX(pred)
	case strings.HasPrefix(st.PredicateType, "https://cyclonedx.org/bom"):
		st.SBOM, err = DecodeCycloneDX(pred)
	}
	if err != nil {
		st.PredicateErr = Clean(err.Error())
	}
}

// Clean makes a decoded string safe to print: capped at MaxField bytes (on
// a rune boundary) and escaped by termsafe.
func Clean(s string) string {
	if len(s) > MaxField {
		cut := MaxField
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return termsafe.String(s)
}

// PredicateCosignSign is the predicate type of the statement cosign signs
// in a sigstore bundle (cosign sign --new-bundle-format): the signature of
// an image, not an attestation about it.
const PredicateCosignSign = "https://sigstore.dev/cosign/sign/v1"

// bundle is the part of a sigstore bundle (v0.1–v0.3) manifold reads.
type bundle struct {
	MediaType    string          `json:"mediaType"`
	DSSEEnvelope json.RawMessage `json:"dsseEnvelope"`
	MessageSig   json.RawMessage `json:"messageSignature"`
	Material     struct {
		Certificate *struct {
			RawBytes string `json:"rawBytes"`
		} `json:"certificate"`
		PublicKey *struct {
			Hint string `json:"hint"`
		} `json:"publicKey"`
		TlogEntries []json.RawMessage `json:"tlogEntries"`
	} `json:"verificationMaterial"`
}

// DecodeBundle reads a sigstore bundle whose content is a DSSE envelope
// (what cosign writes with --new-bundle-format): the statement and the
// envelope's signature. A message-signature bundle is reported, not read.
func DecodeBundle(raw []byte) (*Statement, *Signature, error) {
	var b bundle
	if err := json.Unmarshal(raw, &b); err != nil {
		return nil, nil, fmt.Errorf("sigstore bundle: %w", err)
	}
	if !strings.HasPrefix(b.MediaType, "application/vnd.dev.sigstore.bundle") {
		return nil, nil, fmt.Errorf("sigstore bundle: media type %q", Clean(b.MediaType))
	}
	if len(b.DSSEEnvelope) == 0 {
		return nil, nil, errors.New("sigstore bundle with a message signature: shown, not decoded")
	}
	st, err := DecodeStatement(b.DSSEEnvelope)
	if err != nil {
		return nil, nil, fmt.Errorf("sigstore bundle: %w", err)
	}
	sig := DecodeEnvelopeSignature(st, nil)
	sig.Transparency = len(b.Material.TlogEntries) > 0
	if c := b.Material.Certificate; c != nil && c.RawBytes != "" {
		sig.Keyless = true
		if der, err := base64.StdEncoding.DecodeString(c.RawBytes); err == nil {
			if cert, err := x509.ParseCertificate(der); err == nil {
				sig.Identity, sig.Issuer = certIdentity(cert)
			}
		}
	}
	return st, sig, nil
}
