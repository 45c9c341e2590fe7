package attest

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"github.com/secure-systems-lab/go-securesystemslib/dsse"
)

// Annotation keys cosign writes on a signature layer.
const (
	annSignature   = "dev.cosignproject.cosign/signature"
	annCertificate = "dev.sigstore.cosign/certificate"
	annBundle      = "dev.sigstore.cosign/bundle"
)

// Signature is a cosign signature: a simple-signing payload (or a DSSE
// envelope, for attestations) and what signed it.
type Signature struct {
	// DockerReference and SignedDigest are what the payload says it signs.
	DockerReference string `json:"dockerReference,omitempty"`
	SignedDigest    string `json:"signedDigest,omitempty"`
	// Identity and Issuer describe a keyless signature's certificate: the
	// subject alternative name and the OIDC issuer.
	Identity string `json:"identity,omitempty"`
	Issuer   string `json:"issuer,omitempty"`
	Keyless  bool   `json:"keyless,omitempty"`
	// Transparency is set when a Rekor bundle is attached (not checked).
	Transparency bool `json:"transparencyLog,omitempty"`
	// Err says why the signature could not be read.
	Err string `json:"error,omitempty"`

	payload  []byte
	sig      []byte
	envelope *dsse.Envelope // for a DSSE-signed attestation
	subjects []Subject      // of the enveloped statement
}

// simpleSigning is cosign's payload (containers/image "simple signing").
type simpleSigning struct {
	Critical struct {
		Identity struct {
			DockerReference string `json:"docker-reference"`
		} `json:"identity"`
		Image struct {
			DockerManifestDigest string `json:"docker-manifest-digest"`
		} `json:"image"`
		Type string `json:"type"`
	} `json:"critical"`
}

// DecodeCosignSignature reads a simple-signing layer and its annotations.
func DecodeCosignSignature(payload []byte, annotations map[string]string) *Signature {
	s := &Signature{payload: payload}
	var ss simpleSigning
	if err := json.Unmarshal(payload, &ss); err != nil {
		s.Err = Clean("simple-signing payload: " + err.Error())
		return s
	}
	s.DockerReference = Clean(ss.Critical.Identity.DockerReference)
	s.SignedDigest = Clean(ss.Critical.Image.DockerManifestDigest)
	s.readAnnotations(annotations)
	if b64 := annotations[annSignature]; b64 == "" {
		s.Err = "no signature annotation"
	} else if sig, err := base64.StdEncoding.DecodeString(b64); err != nil {
		s.Err = "signature annotation: not base64"
	} else {
		s.sig = sig
	}
	return s
}

// DecodeEnvelopeSignature reads the signatures of a DSSE-enveloped
// statement (cosign attest), so Verify can check them.
func DecodeEnvelopeSignature(st *Statement, annotations map[string]string) *Signature {
	s := &Signature{subjects: st.Subjects}
	if st.Envelope == nil || len(st.Envelope.Signatures) == 0 {
		s.Err = "statement is not signed (no DSSE envelope)"
		return s
	}
	env := st.Envelope.raw
	s.envelope = &env
	if len(st.Subjects) > 0 {
		s.SignedDigest = st.Subjects[0].Digest
	}
	s.readAnnotations(annotations)
	return s
}

func (s *Signature) readAnnotations(ann map[string]string) {
	s.Transparency = ann[annBundle] != ""
	if c := ann[annCertificate]; c != "" {
		s.Keyless = true
		if cert, err := parseCert([]byte(c)); err != nil {
			s.Identity = "unreadable certificate"
		} else {
			s.Identity, s.Issuer = certIdentity(cert)
		}
	}
}

// OIDs of the Fulcio certificate extensions that name the OIDC issuer.
var (
	oidIssuerV1 = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 1}
	oidIssuerV2 = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 8}
)

func parseCert(b []byte) (*x509.Certificate, error) {
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, errors.New("no PEM block")
	}
	return x509.ParseCertificate(blk.Bytes)
}

// certIdentity returns a Fulcio certificate's SAN (email, URI or other
// name) and OIDC issuer.
func certIdentity(c *x509.Certificate) (san, issuer string) {
	var sans []string
	sans = append(sans, c.EmailAddresses...)
	for _, u := range c.URIs {
		sans = append(sans, u.String())
	}
	san = strings.Join(sans, ", ")
	for _, e := range c.Extensions {
		switch {
		case e.Id.Equal(oidIssuerV2):
			var v string
			if _, err := asn1.Unmarshal(e.Value, &v); err == nil {
				issuer = v
			}
		case e.Id.Equal(oidIssuerV1) && issuer == "":
			issuer = string(e.Value)
		}
	}
	return Clean(san), Clean(issuer)
}

// Verdict is the outcome of checking one signature against a key.
type Verdict string

const (
	// Verified: the key made the signature, and it signs this digest.
	Verified Verdict = "verified"
	// WrongKey: the signature does not verify under the key (another key
	// made it, or its payload was altered after signing).
	WrongKey Verdict = "wrong key"
	// DigestMismatch: the payload signs another digest than the image's
	// (copied from another image, or the index was rewritten).
	DigestMismatch Verdict = "digest mismatch"
	// Unreadable: the signature could not be read at all.
	Unreadable Verdict = "unreadable"
)

// Verify checks the signature against pub for the image digest subject.
// It never goes online.
func (s *Signature) Verify(pub crypto.PublicKey, subject string) (Verdict, string) {
	if s.Err != "" {
		return Unreadable, s.Err
	}
	var ok bool
	if s.envelope != nil {
		ev, err := dsse.NewEnvelopeVerifier(&keyVerifier{pub: pub})
		if err == nil {
			_, err = ev.Verify(context.Background(), s.envelope)
		}
		ok = err == nil
	} else {
		ok = verifyBytes(pub, s.payload, s.sig) == nil
	}
	signs := s.SignedDigest == subject
	if s.envelope != nil {
		signs = false
		for _, sub := range s.subjects {
			signs = signs || sub.Digest == subject
		}
	}
	switch {
	case !signs:
		return DigestMismatch, fmt.Sprintf("signs %s, not %s", orNone(s.SignedDigest), subject)
	case !ok:
		return WrongKey, "not signed by this key (or the payload was altered after signing)"
	}
	return Verified, ""
}

func orNone(s string) string {
	if s == "" {
		return "no digest"
	}
	return s
}

// LoadPublicKey reads a PEM public key as cosign writes it (cosign.pub):
// ECDSA, RSA or Ed25519 in a "PUBLIC KEY" block.
func LoadPublicKey(pemBytes []byte) (crypto.PublicKey, error) {
	blk, _ := pem.Decode(pemBytes)
	if blk == nil {
		return nil, errors.New("no PEM block: expected a PUBLIC KEY as cosign generate-key-pair writes it")
	}
	if blk.Type != "PUBLIC KEY" {
		return nil, fmt.Errorf("PEM block is %q, not a PUBLIC KEY (is this the private key?)", blk.Type)
	}
	pub, err := x509.ParsePKIXPublicKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	switch pub.(type) {
	case *ecdsa.PublicKey, *rsa.PublicKey, ed25519.PublicKey:
		return pub, nil
	}
	return nil, fmt.Errorf("public key of type %T is not supported", pub)
}

// verifyBytes checks sig over msg as sigstore signs: ECDSA and RSA
// (PKCS#1 v1.5) over SHA-256, Ed25519 over the message itself.
func verifyBytes(pub crypto.PublicKey, msg, sig []byte) error {
	sum := sha256.Sum256(msg)
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if ecdsa.VerifyASN1(k, sum[:], sig) {
			return nil
		}
	case *rsa.PublicKey:
		if rsa.VerifyPKCS1v15(k, crypto.SHA256, sum[:], sig) == nil {
			return nil
		}
	case ed25519.PublicKey:
		if ed25519.Verify(k, msg, sig) {
			return nil
		}
	default:
		return fmt.Errorf("unsupported key type %T", pub)
	}
	return errors.New("invalid signature")
}

// keyVerifier adapts a public key to dsse.Verifier.
type keyVerifier struct{ pub crypto.PublicKey }

func (v *keyVerifier) Verify(_ context.Context, data, sig []byte) error {
	return verifyBytes(v.pub, data, sig)
}

// KeyID is empty: cosign leaves the envelope's keyid empty, and an empty
// id matches any signature.
func (v *keyVerifier) KeyID() (string, error)   { return "", nil }
func (v *keyVerifier) Public() crypto.PublicKey { return v.pub }
