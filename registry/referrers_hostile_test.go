package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/manifold-dev/manifold/internal/fixtures"
	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/internal/testregistry"
	"github.com/manifold-dev/manifold/model"
)

// hostileReferrers is go-containerregistry's registry with the referrers
// API, with some answers replaced: referrers lists by subject digest, and
// blobs by digest, each a generator written as the client reads.
type hostileReferrers struct {
	inner     http.Handler
	referrers map[string]func(w io.Writer) // by subject digest
	blobs     map[string]func(w io.Writer) // by digest
	written   atomic.Int64
	lookups   atomic.Int64 // referrers API requests
	manifests atomic.Int64 // manifest GETs
	// broken makes every referrers lookup fail: the API, tag listings and
	// sha256-<hex> tags answer 500.
	broken atomic.Bool
}

type countingWriter struct {
	w http.ResponseWriter
	n *atomic.Int64
}

func (c countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n.Add(int64(n))
	return n, err
}

func (h *hostileReferrers) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if h.broken.Load() && (strings.Contains(p, "/referrers/") || strings.HasSuffix(p, "/tags/list") || strings.Contains(p, "/manifests/sha256-")) {
		http.Error(w, `{"errors":[{"code":"UNKNOWN","message":"boom"}]}`, http.StatusInternalServerError)
		return
	}
	if i := strings.Index(p, "/referrers/"); i >= 0 {
		h.lookups.Add(1)
		if gen, ok := h.referrers[p[i+len("/referrers/"):]]; ok {
			w.Header().Set("Content-Type", model.MediaTypeOCIIndex)
			gen(countingWriter{w, &h.written})
			return
		}
	}
	if i := strings.Index(p, "/blobs/"); i >= 0 && r.Method == http.MethodGet {
		if gen, ok := h.blobs[p[i+len("/blobs/"):]]; ok {
			gen(countingWriter{w, &h.written}) // no Content-Length: chunked
			return
		}
	}
	if strings.Contains(p, "/manifests/") && r.Method == http.MethodGet {
		h.manifests.Add(1)
	}
	h.inner.ServeHTTP(w, r)
}

func startHostile(t *testing.T) (*hostileReferrers, string, *fixtures.Signed) {
	t.Helper()
	h := &hostileReferrers{inner: testregistry.ReferrersHandler(),
		referrers: map[string]func(io.Writer){}, blobs: map[string]func(io.Writer){}}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	signer, _ := fixtures.NewSigner()
	s, err := fixtures.PushSigned(context.Background(), host, signer)
	if err != nil {
		t.Fatal(err)
	}
	h.lookups.Store(0) // the push asked whether the API exists
	h.manifests.Store(0)
	return h, host, s
}

// A referrers list of 100,000 entries (about 100 MB, generated as it is
// read) is cut at MaxReferrers, says so, and costs a bounded read and a
// bounded number of manifest fetches.
func TestHostileHundredThousandReferrers(t *testing.T) {
	h, host, s := startHostile(t)
	const n = 100_000
	pad := strings.Repeat("x", 900)
	h.referrers[s.Images["linux/arm64"]] = func(w io.Writer) {
		_, _ = io.WriteString(w, `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[`)
		for i := 0; i < n; i++ {
			sep := ","
			if i == 0 {
				sep = ""
			}
			if _, err := fmt.Fprintf(w, `%s{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%064x","size":100,"artifactType":"application/vnd.example+json","annotations":{"pad":"%s"}}`, sep, i, pad); err != nil {
				return // the client hung up
			}
		}
		_, _ = io.WriteString(w, `]}`)
	}
	c := readClient(t, Options{})
	tr, err := c.Tree(context.Background(), s.Ref(host), TreeOptions{All: true, Supply: true})
	if err != nil {
		t.Fatal(err)
	}
	arm := entryFor(t, tr, s.Images["linux/arm64"])
	if !arm.Supply.Truncated {
		t.Error("a list of 100,000 was not reported as cut")
	}
	api := referrersBy(arm.Supply, model.SourceAPI)
	if len(api) != model.MaxReferrers {
		t.Errorf("kept %d referrers, want %d", len(api), model.MaxReferrers)
	}
	t.Logf("100,000 referrers: server wrote %d kB, client made %d manifest GETs", h.written.Load()>>10, h.manifests.Load())
	if got := h.written.Load(); got > 32<<20 {
		t.Errorf("the server wrote %d MB before the client stopped reading", got>>20)
	}
	// The amd64 and index lookups plus the referrer manifests asked for:
	// at most MaxReferrerFetch of the 100,000 (they 404 here).
	if m := h.manifests.Load(); m > int64(model.MaxReferrerFetch)+40 {
		t.Errorf("%d manifest GETs for a list of %d referrers", m, n)
	}
	found := false
	for _, part := range arm.Supply.Summary() {
		found = found || strings.Contains(part, "list cut")
	}
	if !found {
		t.Errorf("summary does not say the list was cut: %v", arm.Supply.Summary())
	}
}

// An SBOM layer of 1 GiB, streamed from a generator without a length, is
// refused at MaxArtifactSize and reported; the rest of the tree is read.
func TestHostileOneGiBSBOM(t *testing.T) {
	h, host, s := startHostile(t)
	c := readClient(t, Options{})
	tr, err := c.Tree(context.Background(), s.Ref(host), TreeOptions{All: true, Supply: true})
	if err != nil {
		t.Fatal(err)
	}
	var layer string
	for _, r := range entryFor(t, tr, s.Images["linux/arm64"]).Supply.Referrers {
		if r.Digest == s.CycloneDX {
			layer = r.Image.Layers[0].Digest
		}
	}
	if layer == "" {
		t.Fatal("no CycloneDX layer")
	}
	h.blobs[layer] = func(w io.Writer) {
		chunk := []byte(`{"bomFormat":"CycloneDX","components":[` + strings.Repeat(`{"type":"library","name":"x"},`, 1<<12))
		for sent := 0; sent < 1<<30; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}
	c2 := readClient(t, Options{}) // no cache: the layer is fetched again
	tr, err = c2.Tree(context.Background(), s.Ref(host), TreeOptions{All: true, Supply: true})
	if err != nil {
		t.Fatal(err)
	}
	var cdx *model.Referrer
	for _, r := range entryFor(t, tr, s.Images["linux/arm64"]).Supply.Referrers {
		if r.Digest == s.CycloneDX {
			cdx = r
		}
	}
	if cdx == nil || cdx.Artifact == nil || len(cdx.Artifact.SBOMs) != 0 || len(cdx.Artifact.Errs) != 1 || !strings.Contains(cdx.Artifact.Errs[0], "limit") {
		t.Fatalf("1 GiB SBOM: %+v", cdx.Artifact)
	}
	t.Logf("1 GiB SBOM: server wrote %d MB", h.written.Load()>>20)
	if got := h.written.Load(); got > model.MaxArtifactSize+16<<20 {
		t.Errorf("the server wrote %d MB of a 1 GiB SBOM", got>>20)
	}
	// The SPDX SBOM in the index is still read.
	if n := len(entryFor(t, tr, s.Images["linux/arm64"]).Supply.SBOMs()); n != 1 {
		t.Errorf("%d SBOMs left, want the SPDX one", n)
	}
}

// A referrers loop: the image lists itself and the index as its
// referrers, and a referrer lists the image back. Each is reported, none
// is followed, and the lookups stay one per subject.
func TestHostileReferrersLoop(t *testing.T) {
	h, host, s := startHostile(t)
	amd := s.Images["linux/amd64"]
	list := func(ds ...string) func(io.Writer) {
		return func(w io.Writer) {
			var m []map[string]any
			for _, d := range ds {
				m = append(m, map[string]any{"mediaType": model.MediaTypeOCIManifest, "digest": d, "size": 400, "artifactType": model.MediaTypeCosignSig})
			}
			_ = json.NewEncoder(w).Encode(map[string]any{"schemaVersion": 2, "mediaType": model.MediaTypeOCIIndex, "manifests": m})
		}
	}
	h.referrers[amd] = list(amd, s.Digest, s.CycloneDX)
	h.referrers[s.CycloneDX] = list(amd)
	c := readClient(t, Options{})
	tr, err := c.Tree(context.Background(), s.Ref(host), TreeOptions{All: true, Supply: true})
	if err != nil {
		t.Fatal(err)
	}
	loops := 0
	for _, r := range entryFor(t, tr, amd).Supply.Referrers {
		if strings.Contains(r.Err, "loop") {
			loops++
		}
	}
	if loops != 2 {
		t.Errorf("%d loops reported, want 2 (itself and the index)", loops)
	}
	// One lookup per subject: the index and two images, never a referrer.
	if got := h.lookups.Load(); got != 3 {
		t.Errorf("%d referrers lookups, want 3", got)
	}
}

// A statement full of escape sequences, pushed as BuildKit would: every
// decoded field is safe to print.
func TestHostileStatementThroughTheRegistry(t *testing.T) {
	evil := "\x1b]52;c;ZXZpbA==\x07\x1b[31mred\u202e\u009b"
	host := referrersServer(t)
	img, err := random.Image(64, 1)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := img.Digest()
	pred, _ := fixtures.ProvenanceV02(fixtures.BuildInfo{BuilderID: evil, Source: evil, Revision: evil})
	raw, _ := fixtures.Statement("https://slsa.dev/provenance/v0.2", evil, d, pred)
	att, err := fixtures.BuildKitAttestation(map[string][]byte{"https://slsa.dev/provenance/v0.2": raw}, "https://slsa.dev/provenance/v0.2")
	if err != nil {
		t.Fatal(err)
	}
	idx := mutate.AppendManifests(mutate.IndexMediaType(empty.Index, types.OCIImageIndex),
		mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "amd64"}}},
		mutate.IndexAddendum{Add: att, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "unknown", Architecture: "unknown"},
			Annotations: map[string]string{model.AnnotationReferenceType: model.ReferenceTypeAttestation, model.AnnotationReferenceDigest: d.String()}}})
	ref, err := name.ParseReference(host + "/evil/app:v1")
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.WriteIndex(ref, idx); err != nil {
		t.Fatal(err)
	}
	c := readClient(t, Options{})
	tr, err := c.Tree(context.Background(), ref.String(), TreeOptions{All: true, Supply: true})
	if err != nil {
		t.Fatal(err)
	}
	p := entryFor(t, tr, d.String()).Supply.Provenance()
	if p == nil {
		t.Fatal("no provenance decoded")
	}
	for _, f := range []string{p.BuilderID, p.Source, p.Revision} {
		if !termsafe.Safe(f) || strings.ContainsAny(f, "\x1b\x07\u202e\u009b") {
			t.Errorf("unsafe decoded field %q", f)
		}
	}
}

// Every lookup fails: the answer is "unknown", never "unsigned", and
// verify says it could not tell.
func TestHostileLookupsFailSayUnknown(t *testing.T) {
	h, host, s := startHostile(t)
	h.broken.Store(true)
	c := readClient(t, Options{Timeouts: Timeouts{Attempts: 1}})
	tr, err := c.Tree(context.Background(), s.Ref(host), TreeOptions{All: true, Supply: true})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Supply.Support != model.SupportUnknown || len(tr.Supply.Errs) == 0 {
		t.Errorf("index: support %s, errs %v", tr.Supply.Support, tr.Supply.Errs)
	}
	for _, d := range []string{s.Digest, s.Images["linux/amd64"]} {
		sup := tr.Supply
		if d != s.Digest {
			sup = entryFor(t, tr, d).Supply
		}
		if got := sup.SignatureState(); got != "signatures unknown" {
			t.Errorf("%s: state %q, want signatures unknown", d, got)
		}
	}
}
