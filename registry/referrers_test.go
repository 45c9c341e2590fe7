package registry

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/manifold-dev/manifold/internal/fixtures"
	"github.com/manifold-dev/manifold/internal/testregistry"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/model/attest"
)

// referrersServer starts go-containerregistry's registry with the OCI
// referrers API enabled.
func referrersServer(t testing.TB) string { return testregistry.StartReferrers(t) }

func pushSigned(t testing.TB, host string) (*fixtures.Signed, *fixtures.Signer) {
	t.Helper()
	signer, err := fixtures.NewSigner()
	if err != nil {
		t.Fatal(err)
	}
	s, err := fixtures.PushSigned(context.Background(), host, signer)
	if err != nil {
		t.Fatal(err)
	}
	return s, signer
}

func entryFor(t *testing.T, tr *model.Tree, digest string) *model.Entry {
	t.Helper()
	for _, e := range tr.Entries {
		if e.Digest == digest {
			return e
		}
	}
	t.Fatalf("no entry %s", digest)
	return nil
}

func referrersBy(s *model.Supply, src model.Source) []*model.Referrer {
	var out []*model.Referrer
	for _, r := range s.Referrers {
		if r.Source == src {
			out = append(out, r)
		}
	}
	return out
}

// checkSigned asserts what both servers must show for the signed fixture;
// cdxSource is where the oras-style CycloneDX referrer is found.
func checkSigned(t *testing.T, tr *model.Tree, s *fixtures.Signed, wantSupport model.Support, cdxSource model.Source) {
	t.Helper()
	if tr.Supply == nil {
		t.Fatal("index: supply not looked up")
	}
	if tr.Supply.Support != wantSupport {
		t.Errorf("support = %s, want %s (errs %v)", tr.Supply.Support, wantSupport, tr.Supply.Errs)
	}
	if len(tr.Supply.Errs) != 0 {
		t.Errorf("index lookups failed: %v", tr.Supply.Errs)
	}
	// The index: a cosign signature and a cosign SLSA v1 attestation.
	cos := referrersBy(tr.Supply, model.SourceCosign)
	if len(cos) != 2 {
		t.Fatalf("index cosign referrers = %d, want 2 (.sig, .att)", len(cos))
	}
	if tr.Supply.Count(model.KindSignature) != 1 || tr.Supply.Count(model.KindProvenance) != 1 {
		t.Errorf("index kinds: %d signatures, %d provenance", tr.Supply.Count(model.KindSignature), tr.Supply.Count(model.KindProvenance))
	}
	p := tr.Supply.Provenance()
	if p == nil || p.SLSAVersion != "v1" || p.BuilderID != s.Build.BuilderID || p.Source != s.Build.Source || p.Revision != s.Build.Revision || p.BuiltOn == nil || !p.BuiltOn.Equal(s.Build.Finished) {
		t.Errorf("index provenance = %+v", p)
	}
	sigs := tr.Supply.Signatures()
	if len(sigs) != 2 { // the .sig payload, and the .att envelope
		t.Fatalf("index signatures = %d", len(sigs))
	}
	for _, plat := range []string{"linux/amd64", "linux/arm64"} {
		e := entryFor(t, tr, s.Images[plat])
		if e.Supply == nil {
			t.Fatalf("%s: supply not looked up", plat)
		}
		in := referrersBy(e.Supply, model.SourceIndex)
		if len(in) != 1 || in[0].Kind != model.KindAttestation || in[0].Artifact == nil || len(in[0].Artifact.Statements) != 2 {
			t.Fatalf("%s: in-index attestation = %+v", plat, in)
		}
		prov := e.Supply.Provenance()
		if prov == nil || prov.SLSAVersion != "v0.2" || prov.BuilderID != s.Build.BuilderID || prov.Revision != s.Build.Revision || prov.Source != s.Build.Source {
			t.Errorf("%s: provenance = %+v", plat, prov)
		}
		var spdx *attest.SBOM
		for _, sb := range e.Supply.SBOMs() {
			if strings.HasPrefix(sb.Format, "SPDX-") {
				spdx = sb
			}
		}
		if spdx == nil || spdx.Count != s.Packages[plat] || len(spdx.Packages) != s.Packages[plat] || spdx.Packages[0].PURL == "" || spdx.Packages[0].License == "" {
			t.Errorf("%s: SPDX = %+v", plat, spdx)
		}
		if e.Supply.Count(model.KindSignature) != 1 || e.Supply.SignatureState() != "signed (not verified)" {
			t.Errorf("%s: %d signatures, state %q", plat, e.Supply.Count(model.KindSignature), e.Supply.SignatureState())
		}
	}
	arm := entryFor(t, tr, s.Images["linux/arm64"])
	var cdx *model.Referrer
	for _, r := range arm.Supply.Referrers {
		if r.Digest == s.CycloneDX {
			cdx = r
		}
	}
	if cdx == nil || cdx.Source != cdxSource || cdx.Kind != model.KindSBOM || cdx.ArtifactType != model.MediaTypeCycloneDX {
		t.Fatalf("arm64 CycloneDX referrer = %+v", cdx)
	}
	if cdx.Artifact == nil || len(cdx.Artifact.SBOMs) != 1 || cdx.Artifact.SBOMs[0].Count != s.CycloneDXPackages || !strings.HasPrefix(cdx.Artifact.SBOMs[0].Format, "CycloneDX") {
		t.Errorf("CycloneDX decoded = %+v", cdx.Artifact)
	}
}

// Distribution has no referrers API: the tag schema (written by
// go-containerregistry for the oras-style referrer) and cosign's tags.
func TestSupplyDistribution(t *testing.T) {
	r := testregistry.Start(t, testregistry.Options{})
	s, signer := pushSigned(t, r.Host)
	c := readClient(t, Options{})
	tr, err := c.Tree(context.Background(), s.Ref(r.Host), TreeOptions{All: true, Supply: true})
	if err != nil {
		t.Fatal(err)
	}
	checkSigned(t, tr, s, model.SupportTagFallback, model.SourceTag)
	checkVerify(t, tr, signer)
}

// go-containerregistry's registry with the referrers API.
func TestSupplyReferrersAPI(t *testing.T) {
	host := referrersServer(t)
	s, signer := pushSigned(t, host)
	c := readClient(t, Options{})
	tr, err := c.Tree(context.Background(), s.Ref(host), TreeOptions{All: true, Supply: true})
	if err != nil {
		t.Fatal(err)
	}
	checkSigned(t, tr, s, model.SupportAPI, model.SourceAPI)
	checkVerify(t, tr, signer)
}

func checkVerify(t *testing.T, tr *model.Tree, signer *fixtures.Signer) {
	t.Helper()
	pub, err := attest.LoadPublicKey(signer.PublicPEM())
	if err != nil {
		t.Fatal(err)
	}
	vs := model.Verify(tr, pub)
	if len(vs) != 4 { // index .sig + .att, one .sig per platform
		t.Fatalf("verifications = %d: %+v", len(vs), vs)
	}
	for _, v := range vs {
		if v.Verdict != attest.Verified {
			t.Errorf("%s %s: %s (%s)", v.Where, v.Referrer, v.Verdict, v.Detail)
		}
	}
	other, _ := fixtures.NewSigner()
	wrong, _ := attest.LoadPublicKey(other.PublicPEM())
	for _, v := range model.Verify(tr, wrong) {
		if v.Verdict != attest.WrongKey {
			t.Errorf("wrong key: %s %s: %s", v.Where, v.Referrer, v.Verdict)
		}
	}
}

// Without Supply, a tree costs what it did: no referrer requests.
func TestTreeWithoutSupplyAsksNoReferrers(t *testing.T) {
	var cnt testregistry.Counter
	r := testregistry.Start(t, testregistry.Options{Wrap: cnt.Wrap})
	s, _ := pushSigned(t, r.Host)
	cnt.Reset()
	c := readClient(t, Options{})
	tr, err := c.Tree(context.Background(), s.Ref(r.Host), TreeOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Supply != nil {
		t.Error("supply looked up without TreeOptions.Supply")
	}
	for _, l := range cnt.Log() {
		if strings.Contains(l, "referrers") || strings.Contains(l, "sha256-") {
			t.Errorf("request without Supply: %s", l)
		}
	}
}

// Supply continues a painted tree: it asks for what is attached and
// nothing the tree already holds.
func TestSupplyContinuesATree(t *testing.T) {
	var cnt testregistry.Counter
	r := testregistry.Start(t, testregistry.Options{Wrap: cnt.Wrap})
	s, _ := pushSigned(t, r.Host)
	c := readClient(t, Options{})
	tr, err := c.Tree(context.Background(), s.Ref(r.Host), TreeOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	cnt.Reset()
	full, err := c.Supply(context.Background(), tr)
	if err != nil {
		t.Fatal(err)
	}
	checkSigned(t, full, s, model.SupportTagFallback, model.SourceTag)
	for _, l := range cnt.Log() {
		for _, d := range []string{s.Digest, s.Images["linux/amd64"], s.Images["linux/arm64"]} {
			if strings.HasSuffix(l, "/manifests/"+d) {
				t.Errorf("Supply fetched the tree again: %s", l)
			}
		}
	}
}

// An image with nothing attached costs one tag listing for the repository
// and one referrers request per image: no probe of cosign's tags or the
// tag schema that the listing shows are absent.
func TestSupplyProbesOnlyListedTags(t *testing.T) {
	var cnt testregistry.Counter
	r := testregistry.Start(t, testregistry.Options{Wrap: cnt.Wrap})
	set, err := fixtures.Push(context.Background(), r.Host, fixtures.Only(fixtures.OCIAttest))
	if err != nil {
		t.Fatal(err)
	}
	cnt.Reset()
	c := readClient(t, Options{})
	tr, err := c.Tree(context.Background(), set[fixtures.OCIAttest].Ref(r.Host), TreeOptions{All: true, Supply: true})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Supply == nil || tr.Supply.SignatureState() != "unsigned" || tr.Supply.Support != model.SupportTagFallback {
		t.Fatalf("supply %+v", tr.Supply)
	}
	lookups := 0
	for _, l := range cnt.Log() {
		if strings.Contains(l, "/manifests/sha256-") {
			t.Errorf("probed a tag the listing lacks: %s", l)
		}
		if strings.Contains(l, "/referrers/") {
			lookups++
		}
	}
	if cnt.Count("GET tags") != 1 || lookups != 3 {
		t.Errorf("%d tag listings, %d referrers requests (want 1 and 3: the index and two images)", cnt.Count("GET tags"), lookups)
	}
}

// cosign sign --new-bundle-format on the referrers API: a bundle referrer
// is a signature that verifies; an attest bundle is an attestation of its
// predicate's kind.
func TestSupplySigstoreBundle(t *testing.T) {
	// With the API, and on distribution through the tag schema, whose
	// index (written by go-containerregistry) types the bundle with its
	// empty config: the manifest itself must decide.
	for _, host := range []string{referrersServer(t), testregistry.Start(t, testregistry.Options{}).Host} {
		checkBundle(t, host)
	}
}

func checkBundle(t *testing.T, host string) {
	s, signer := pushSigned(t, host)
	amd, _ := v1.NewHash(s.Images["linux/amd64"])
	subj := v1.Descriptor{MediaType: types.OCIManifestSchema1, Digest: amd, Size: 400}
	for _, e := range s.Entries {
		if e.Digest == amd.String() {
			subj.MediaType = types.MediaType(e.MediaType)
		}
	}
	sign, err := fixtures.BundleReferrer(signer, "https://sigstore.dev/cosign/sign/v1", []byte(`{}`), subj)
	if err != nil {
		t.Fatal(err)
	}
	prov, _ := fixtures.ProvenanceV1(s.Build)
	att, err := fixtures.BundleReferrer(signer, "https://slsa.dev/provenance/v1", prov, subj)
	if err != nil {
		t.Fatal(err)
	}
	for _, img := range []v1.Image{sign, att} {
		d, _ := img.Digest()
		ref, _ := name.ParseReference(host + "/" + s.Repo + "@" + d.String())
		if err := remote.Write(ref, img); err != nil {
			t.Fatal(err)
		}
	}
	c := readClient(t, Options{})
	tr, err := c.Tree(context.Background(), s.Ref(host), TreeOptions{All: true, Supply: true})
	if err != nil {
		t.Fatal(err)
	}
	e := entryFor(t, tr, amd.String())
	if n := e.Supply.Count(model.KindSignature); n != 2 { // the .sig tag and the sign bundle
		t.Errorf("%d signatures on amd64, want 2", n)
	}
	if e.Supply.Count(model.KindProvenance) != 1 {
		t.Errorf("the attest bundle is not provenance: %v", e.Supply.Summary())
	}
	pub, _ := attest.LoadPublicKey(signer.PublicPEM())
	n := 0
	for _, v := range model.Verify(tr, pub) {
		if v.Subject == amd.String() {
			n++
			if v.Verdict != attest.Verified {
				t.Errorf("%s %s: %s %s", v.Kind, v.Referrer, v.Verdict, v.Detail)
			}
		}
	}
	if n != 3 {
		t.Errorf("%d verifications on amd64, want 3", n)
	}
}
