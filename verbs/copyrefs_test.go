package verbs

import (
	"context"
	"strings"
	"testing"

	"github.com/manifold-dev/manifold/internal/fixtures"
	"github.com/manifold-dev/manifold/internal/testregistry"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
)

// referrersServer is go-containerregistry's registry with the OCI
// referrers API on; it returns host:port.
func referrersServer(t *testing.T) string { return testregistry.StartReferrers(t) }

func pushSigned(t *testing.T, host string) *fixtures.Signed {
	t.Helper()
	signer, err := fixtures.NewSigner()
	if err != nil {
		t.Fatal(err)
	}
	s, err := fixtures.PushSigned(context.Background(), host, signer)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// attached lists, by source, what is attached to digest at repo.
func attached(t *testing.T, c *registry.Client, repo, digest string) (map[model.Source][]string, model.Support) {
	t.Helper()
	l, err := c.Referrers(context.Background(), repo, digest)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Errs) > 0 {
		t.Fatalf("referrers of %s at %s: %v", digest, repo, l.Errs)
	}
	out := map[model.Source][]string{}
	for _, r := range l.Items {
		out[r.Source] = append(out[r.Source], r.Digest)
	}
	return out, l.Support
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]bool{}
	for _, x := range a {
		m[x] = true
	}
	for _, x := range b {
		if !m[x] {
			return false
		}
	}
	return true
}

// Onto a registry without the referrers API: the cosign tags are copied as
// tags, and the oras referrer lands in the referrers tag schema; at the
// target, every image has what it had at the source.
func TestCopyWithReferrersOntoARegistryWithoutTheAPI(t *testing.T) {
	for _, tc := range []struct {
		name string
		host func(t *testing.T) string
		cdx  model.Source // where the source keeps the CycloneDX referrer
	}{
		{"from distribution", func(t *testing.T) string { return testregistry.Start(t, testregistry.Options{}).Host }, model.SourceTag},
		{"from a referrers API", referrersServer, model.SourceAPI},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srcHost := tc.host(t)
			s := pushSigned(t, srcHost)
			dst := testregistry.Start(t, testregistry.Options{})
			c := newClient(t, nil, nil)
			ctx := context.Background()
			srcRepo, dstRepo := srcHost+"/"+s.Repo, dst.Host+"/mirror/signed"
			plan, err := PlanCopy(ctx, c, s.Ref(srcHost), dstRepo+":v1", CopyOptions{Referrers: true})
			if err != nil {
				t.Fatal(err)
			}
			if plan.TargetSupport != model.SupportTagFallback {
				t.Fatalf("target support %q, want tag-fallback", plan.TargetSupport)
			}
			// 3 .sig + 1 .att + the CycloneDX referrer of arm64.
			if len(plan.Referrers) != 5 {
				t.Fatalf("plan has %d referrers, want 5: %+v", len(plan.Referrers), plan.Referrers)
			}
			if _, err := Copy(ctx, c, plan, 4, nil); err != nil {
				t.Fatal(err)
			}
			for _, d := range []string{s.Digest, s.Images["linux/amd64"], s.Images["linux/arm64"]} {
				from, _ := attached(t, c, srcRepo, d)
				to, support := attached(t, c, dstRepo, d)
				if support != model.SupportTagFallback {
					t.Errorf("%s at the target: support %q", d, support)
				}
				if !sameSet(from[model.SourceCosign], to[model.SourceCosign]) {
					t.Errorf("%s: cosign tags %v at the source, %v at the target", d, from[model.SourceCosign], to[model.SourceCosign])
				}
				if !sameSet(from[tc.cdx], to[model.SourceTag]) {
					t.Errorf("%s: referrers %v at the source (%s), %v in the target's tag schema", d, from[tc.cdx], tc.cdx, to[model.SourceTag])
				}
			}
			if to, _ := attached(t, c, dstRepo, s.Images["linux/arm64"]); !sameSet(to[model.SourceTag], []string{s.CycloneDX}) {
				t.Errorf("arm64's CycloneDX referrer at the target: %v, want %s", to[model.SourceTag], s.CycloneDX)
			}
			// The referrer manifests and their blobs are readable there.
			if _, err := c.Get(ctx, dstRepo+"@"+s.CycloneDX); err != nil {
				t.Errorf("referrer manifest at the target: %v", err)
			}
			// A second run has nothing to add.
			again, err := PlanCopy(ctx, c, s.Ref(srcHost), dstRepo+":v1", CopyOptions{Referrers: true})
			if err != nil {
				t.Fatal(err)
			}
			if tot := again.Totals(); tot.Copy != 0 || tot.ManifestsExist != tot.Manifests || len(again.ReferrerTags) != 0 {
				t.Errorf("second plan: %+v, %d tags to write", tot, len(again.ReferrerTags))
			}
		})
	}
}

// Onto a registry with the API: the referrers are written as manifests with
// their subject, and no tag schema index is made.
func TestCopyWithReferrersOntoTheAPI(t *testing.T) {
	src := testregistry.Start(t, testregistry.Options{})
	s := pushSigned(t, src.Host)
	dstHost := referrersServer(t)
	c := newClient(t, nil, nil)
	ctx := context.Background()
	dstRepo := dstHost + "/mirror/signed"
	plan, err := PlanCopy(ctx, c, s.Ref(src.Host), dstRepo+":v1", CopyOptions{Referrers: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Copy(ctx, c, plan, 4, nil); err != nil {
		t.Fatal(err)
	}
	if plan.TargetSupport != model.SupportAPI {
		t.Fatalf("target support after the copy %q, want api", plan.TargetSupport)
	}
	// No tag schema index was written: the API lists the referrer.
	if d, err := c.HeadDigest(ctx, dstRepo+":"+model.ReferrersTag(s.Images["linux/arm64"])); err != nil || d != "" {
		t.Errorf("a tag schema index was written on a registry with the API: %q %v", d, err)
	}
	to, _ := attached(t, c, dstRepo, s.Images["linux/arm64"])
	if !sameSet(to[model.SourceAPI], []string{s.CycloneDX}) {
		t.Errorf("arm64 at the target: %v by the API, want %s", to, s.CycloneDX)
	}
}

// A filtered copy: the index's signature and attestation are named as no
// longer matching; the kept image's referrers go along, the dropped one's
// do not.
func TestFilteredCopyNamesTheSignaturesThatNoLongerApply(t *testing.T) {
	src := testregistry.Start(t, testregistry.Options{})
	s := pushSigned(t, src.Host)
	dst := testregistry.Start(t, testregistry.Options{})
	c := newClient(t, nil, nil)
	ctx := context.Background()
	dstRepo := dst.Host + "/arm/signed"
	plan, err := PlanCopy(ctx, c, s.Ref(src.Host), dstRepo+":v1", CopyOptions{Referrers: true, Platforms: []model.Platform{mustPlatform(t, "linux/arm64")}})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[model.Kind]int{}
	for _, r := range plan.Stale {
		kinds[r.Kind]++
	}
	if kinds[model.KindSignature] != 1 || kinds[model.KindAttestation] != 1 || len(plan.Stale) != 2 {
		t.Fatalf("stale referrers of the index: %+v", plan.Stale)
	}
	text := ""
	for _, l := range plan.Describe() {
		text += l + "\n"
	}
	for _, r := range plan.Stale {
		if !strings.Contains(text, r.Digest) {
			t.Errorf("the plan does not name %s:\n%s", r.Digest, text)
		}
	}
	if _, err := Copy(ctx, c, plan, 4, nil); err != nil {
		t.Fatal(err)
	}
	arm, _ := attached(t, c, dstRepo, s.Images["linux/arm64"])
	if len(arm[model.SourceCosign]) != 1 || !sameSet(arm[model.SourceTag], []string{s.CycloneDX}) {
		t.Errorf("arm64 at the target: %v", arm)
	}
	amd, _ := attached(t, c, dstRepo, s.Images["linux/amd64"])
	if len(amd) != 0 {
		t.Errorf("the dropped amd64's referrers were copied: %v", amd)
	}
	idx, _ := attached(t, c, dstRepo, plan.Digest)
	if len(idx) != 0 {
		t.Errorf("the rewritten index has referrers: %v", idx)
	}
}
