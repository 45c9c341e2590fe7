package attest_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/url"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/manifold-dev/manifold/internal/fixtures"
	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model/attest"
)

var subject = v1.Hash{Algorithm: "sha256", Hex: strings.Repeat("ab", 32)}

var build = fixtures.BuildInfo{BuilderID: "https://github.com/docker/buildx@v0.30.1", Source: "https://github.com/example/app", Revision: "0123456789abcdef0123456789abcdef01234567", Finished: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)}

func TestProvenanceV02AndV1(t *testing.T) {
	for _, c := range []struct {
		pt   string
		make func(fixtures.BuildInfo) ([]byte, error)
	}{{"https://slsa.dev/provenance/v0.2", fixtures.ProvenanceV02}, {"https://slsa.dev/provenance/v1", fixtures.ProvenanceV1}} {
		pred, err := c.make(build)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := fixtures.Statement(c.pt, "app", subject, pred)
		if err != nil {
			t.Fatal(err)
		}
		st, err := attest.DecodeStatement(raw)
		if err != nil {
			t.Fatalf("%s: %v", c.pt, err)
		}
		p := st.Provenance
		if p == nil || p.BuilderID != build.BuilderID || p.Source != build.Source || p.Revision != build.Revision || p.BuildType == "" || p.BuiltOn == nil || !p.BuiltOn.Equal(build.Finished) {
			t.Errorf("%s: provenance = %+v (err %s)", c.pt, p, st.PredicateErr)
		}
		if len(st.Subjects) != 1 || st.Subjects[0].Digest != subject.String() {
			t.Errorf("%s: subjects = %+v", c.pt, st.Subjects)
		}
	}
}

// BuildKit's own metadata carries the git source when configSource is empty.
func TestProvenanceBuildKitVCS(t *testing.T) {
	pred := `{"builder":{"id":""},"buildType":"https://mobyproject.org/buildkit@v1","metadata":{"https://mobyproject.org/buildkit@v1#metadata":{"vcs":{"source":"https://github.com/x/y","revision":"abc"}}}}`
	raw, _ := fixtures.Statement("https://slsa.dev/provenance/v0.2", "x", subject, []byte(pred))
	st, err := attest.DecodeStatement(raw)
	if err != nil || st.Provenance == nil || st.Provenance.Source != "https://github.com/x/y" || st.Provenance.Revision != "abc" {
		t.Fatalf("got %+v, %v", st, err)
	}
}

func TestSBOMs(t *testing.T) {
	pkgs := fixtures.Packages("x", 25)
	spdx, err := fixtures.SPDXDocument("doc", pkgs)
	if err != nil {
		t.Fatal(err)
	}
	cdx, err := fixtures.CycloneDXDocument(pkgs)
	if err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string][]byte{"SPDX-2.3": spdx, "CycloneDX": cdx} {
		sb, err := attest.DecodeSBOM(doc)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !strings.HasPrefix(sb.Format, name) || sb.Count != 25 || len(sb.Packages) != 25 {
			t.Fatalf("%s: %+v", name, sb)
		}
		p := sb.Packages[3]
		if p.Name != pkgs[3].Name || p.Version != pkgs[3].Version || p.PURL != pkgs[3].PURL || p.License != pkgs[3].License {
			t.Errorf("%s: package 3 = %+v, want %+v", name, p, pkgs[3])
		}
	}
	// In a statement (BuildKit puts the SPDX document in the predicate).
	raw, _ := fixtures.Statement("https://spdx.dev/Document", "x", subject, spdx)
	st, err := attest.DecodeStatement(raw)
	if err != nil || st.SBOM == nil || st.SBOM.Count != 25 {
		t.Fatalf("statement SBOM: %+v %v", st, err)
	}
	if _, err := attest.DecodeSBOM([]byte(`{"hello":1}`)); err == nil {
		t.Error("a non-SBOM decoded")
	}
}

// A statement full of escape sequences decodes with every field escaped.
func TestHostileStatementIsSanitized(t *testing.T) {
	evil := "\x1b]52;c;ZXZpbA==\x07\x1b[2J\u202e\u009b31m" + strings.Repeat("A", 5000)
	pred, _ := json.Marshal(map[string]any{"builder": map[string]string{"id": evil}, "buildType": evil,
		"invocation": map[string]any{"configSource": map[string]any{"uri": evil, "digest": map[string]string{"sha1": evil}}}})
	raw, _ := fixtures.Statement("https://slsa.dev/provenance/v0.2", evil, subject, pred)
	st, err := attest.DecodeStatement(raw)
	if err != nil || st.Provenance == nil {
		t.Fatal(err)
	}
	p := st.Provenance
	for _, f := range []string{p.BuilderID, p.BuildType, p.Source, p.Revision, st.Subjects[0].Name} {
		if !termsafe.Safe(f) || strings.ContainsAny(f, "\x1b\x07\u202e\u009b") {
			t.Errorf("unsafe field %q", f)
		}
		if len(f) > 4*attest.MaxField+8 {
			t.Errorf("field not capped: %d bytes", len(f))
		}
	}
	sp := `{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","name":"x","packages":[{"SPDXID":"SPDXRef-p","name":` + jsonString(evil) + `,"versionInfo":` + jsonString(evil) + `}]}`
	sb, err := attest.DecodeSBOM([]byte(sp))
	if err != nil || len(sb.Packages) != 1 || !termsafe.Safe(sb.Packages[0].Name) || !termsafe.Safe(sb.Packages[0].Version) {
		t.Fatalf("SBOM: %+v %v", sb, err)
	}
}

func jsonString(s string) string { b, _ := json.Marshal(s); return string(b) }

func TestNotAStatement(t *testing.T) {
	for _, raw := range []string{`{"_type":"https://example.com/x"}`, `[]`, `{"payloadType":"text/plain","payload":"aGk=","signatures":[]}`, `not json`} {
		if _, err := attest.DecodeStatement([]byte(raw)); err == nil {
			t.Errorf("%s decoded", raw)
		}
	}
}

func TestVerifyCosignSignature(t *testing.T) {
	s, _ := fixtures.NewSigner()
	pub, err := attest.LoadPublicKey(s.PublicPEM())
	if err != nil {
		t.Fatal(err)
	}
	payload := fixtures.SimpleSigning("localhost:5000/app", subject.String())
	b64, _ := s.Sign(payload)
	ann := map[string]string{"dev.cosignproject.cosign/signature": b64}

	sig := attest.DecodeCosignSignature(payload, ann)
	if sig.SignedDigest != subject.String() || sig.DockerReference != "localhost:5000/app" {
		t.Fatalf("decoded %+v", sig)
	}
	if v, d := sig.Verify(pub, subject.String()); v != attest.Verified {
		t.Errorf("good key: %s %s", v, d)
	}
	other, _ := fixtures.NewSigner()
	wrong, _ := attest.LoadPublicKey(other.PublicPEM())
	if v, _ := sig.Verify(wrong, subject.String()); v != attest.WrongKey {
		t.Errorf("wrong key: %s", v)
	}
	// The index was rewritten: the signature is good but signs another digest.
	if v, _ := sig.Verify(pub, "sha256:"+strings.Repeat("cd", 32)); v != attest.DigestMismatch {
		t.Errorf("other subject: %s", v)
	}
	// The payload was altered to name this image after signing another.
	otherPayload := fixtures.SimpleSigning("localhost:5000/app", "sha256:"+strings.Repeat("ef", 32))
	b64o, _ := s.Sign(otherPayload)
	tampered := []byte(strings.Replace(string(otherPayload), strings.Repeat("ef", 32), subject.Hex, 1))
	tsig := attest.DecodeCosignSignature(tampered, map[string]string{"dev.cosignproject.cosign/signature": b64o})
	if v, _ := tsig.Verify(pub, subject.String()); v == attest.Verified {
		t.Error("tampered payload verified")
	}
	// A payload tampered to sign another digest says so.
	t2 := attest.DecodeCosignSignature(otherPayload, ann)
	if v, _ := t2.Verify(pub, subject.String()); v != attest.DigestMismatch {
		t.Errorf("tampered digest: %s", v)
	}
	if v, _ := attest.DecodeCosignSignature(payload, nil).Verify(pub, subject.String()); v != attest.Unreadable {
		t.Errorf("no signature annotation: %s", v)
	}
}

func TestVerifyDSSEAttestation(t *testing.T) {
	s, _ := fixtures.NewSigner()
	pub, _ := attest.LoadPublicKey(s.PublicPEM())
	pred, _ := fixtures.ProvenanceV1(build)
	stmt, _ := fixtures.Statement("https://slsa.dev/provenance/v1", "app", subject, pred)
	env, err := s.Envelope(stmt)
	if err != nil {
		t.Fatal(err)
	}
	st, err := attest.DecodeStatement(env)
	if err != nil || st.Envelope == nil || st.Provenance == nil {
		t.Fatalf("%+v %v", st, err)
	}
	sig := attest.DecodeEnvelopeSignature(st, nil)
	if v, d := sig.Verify(pub, subject.String()); v != attest.Verified {
		t.Errorf("good key: %s %s", v, d)
	}
	other, _ := fixtures.NewSigner()
	wrong, _ := attest.LoadPublicKey(other.PublicPEM())
	if v, _ := sig.Verify(wrong, subject.String()); v != attest.WrongKey {
		t.Errorf("wrong key: %s", v)
	}
	// Tamper the payload inside the envelope (keep the signature).
	var e map[string]any
	_ = json.Unmarshal(env, &e)
	payload, _ := base64.StdEncoding.DecodeString(e["payload"].(string))
	e["payload"] = base64.StdEncoding.EncodeToString([]byte(strings.Replace(string(payload), build.Revision, strings.Repeat("0", 40), 1)))
	bad, _ := json.Marshal(e)
	st2, err := attest.DecodeStatement(bad)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := attest.DecodeEnvelopeSignature(st2, nil).Verify(pub, subject.String()); v == attest.Verified {
		t.Error("tampered envelope verified")
	}
}

// A keyless signature shows its certificate's identity and issuer.
func TestKeylessIdentity(t *testing.T) {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	issuer, _ := asn1.Marshal("https://token.actions.githubusercontent.com")
	san, _ := url.Parse("https://github.com/example/app/.github/workflows/release.yml@refs/heads/main")
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{}, NotBefore: time.Unix(0, 0), NotAfter: time.Unix(1e10, 0),
		URIs: []*url.URL{san}, ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 8}, Value: issuer}}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	sig := attest.DecodeCosignSignature(fixtures.SimpleSigning("r", subject.String()), map[string]string{
		"dev.cosignproject.cosign/signature": "AAAA", "dev.sigstore.cosign/certificate": string(cert)})
	if !sig.Keyless || sig.Identity != san.String() || sig.Issuer != "https://token.actions.githubusercontent.com" {
		t.Errorf("keyless = %+v", sig)
	}
}

func TestLoadPublicKeyErrors(t *testing.T) {
	if _, err := attest.LoadPublicKey([]byte("nope")); err == nil {
		t.Error("garbage accepted")
	}
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalECPrivateKey(k)
	if _, err := attest.LoadPublicKey(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})); err == nil || !strings.Contains(err.Error(), "private key") {
		t.Errorf("private key: %v", err)
	}
}

// BuildKit's mode=min provenance of a local build: no configSource, the
// base image and the git context as materials. The source is the git one.
func TestProvenanceMaterialsPickGit(t *testing.T) {
	pred := `{"builder":{"id":"https://github.com/docker/buildx"},"buildType":"https://mobyproject.org/buildkit@v1",
	"materials":[{"uri":"pkg:docker/alpine@3.20?platform=linux%2Farm64","digest":{"sha256":"` + strings.Repeat("1", 64) + `"}},
	{"uri":"https://github.com/example/app.git#refs/heads/main","digest":{"sha1":"abcdef0123456789abcdef0123456789abcdef01"}}]}`
	raw, _ := fixtures.Statement("https://slsa.dev/provenance/v0.2", "x", subject, []byte(pred))
	st, err := attest.DecodeStatement(raw)
	if err != nil || st.Provenance == nil {
		t.Fatal(err)
	}
	if p := st.Provenance; p.Source != "https://github.com/example/app.git#refs/heads/main" || p.Revision != "abcdef0123456789abcdef0123456789abcdef01" {
		t.Errorf("source %q @ %q", p.Source, p.Revision)
	}
	// Only a base image: no source rather than the image.
	pred = `{"builder":{"id":"b"},"materials":[{"uri":"pkg:docker/alpine@3.20","digest":{"sha256":"` + strings.Repeat("1", 64) + `"}}]}`
	raw, _ = fixtures.Statement("https://slsa.dev/provenance/v0.2", "x", subject, []byte(pred))
	if st, _ := attest.DecodeStatement(raw); st.Provenance.Source != "" {
		t.Errorf("a base image taken as the source: %q", st.Provenance.Source)
	}
}
