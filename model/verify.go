package model

import (
	"crypto"

	"github.com/manifold-dev/manifold/model/attest"
)

// Verification is the outcome of checking one attached signature.
type Verification struct {
	// Subject is the digest the signature is attached to; Where names it
	// ("index", or a platform).
	Subject, Where string
	// Referrer is the digest of the manifest that carries the signature.
	Referrer string
	Source   Source
	// Kind is signature for an image signature, or the kind of a signed
	// attestation (a DSSE envelope).
	Kind    Kind
	Verdict attest.Verdict
	Detail  string
	// Identity is a keyless signature's certificate identity.
	Identity, Issuer string
}

// Verify checks every signature attached to the tree's top level and to
// each image against pub, offline.
func Verify(t *Tree, pub crypto.PublicKey) []Verification {
	var out []Verification
	where := "index"
	if t.Image != nil {
		where = "image"
		if t.Image.Config != nil {
			where = t.Image.Config.Platform().String()
		}
	}
	out = append(out, verifySupply(t.Supply, t.Digest, where, pub)...)
	var walk func(es []*Entry)
	walk = func(es []*Entry) {
		for _, e := range es {
			if e.IsAttestation() {
				continue
			}
			w := "entry"
			if e.Platform != nil {
				w = e.Platform.String()
			}
			out = append(out, verifySupply(e.Supply, e.Digest, w, pub)...)
			walk(e.Children)
		}
	}
	walk(t.Entries)
	return out
}

func verifySupply(s *Supply, subject, where string, pub crypto.PublicKey) []Verification {
	if s == nil {
		return nil
	}
	var out []Verification
	for _, r := range s.Referrers {
		if r.Artifact == nil || r.Source == SourceIndex {
			continue
		}
		for _, sig := range r.Artifact.Signatures {
			v := Verification{Subject: subject, Where: where, Referrer: r.Digest, Source: r.Source, Kind: r.Kind,
				Identity: sig.Identity, Issuer: sig.Issuer}
			v.Verdict, v.Detail = sig.Verify(pub, subject)
			out = append(out, v)
		}
	}
	return out
}
