package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/manifold-dev/manifold/internal/fixtures"
	"github.com/manifold-dev/manifold/internal/testregistry"
	"github.com/manifold-dev/manifold/model"
)

// signedEnv pushes the signed fixture to distribution (or, with api, to
// go-containerregistry's registry with the referrers API) and writes the
// key to a file.
func signedEnv(t *testing.T, api bool) (host string, s *fixtures.Signed, signer *fixtures.Signer, keyFile string) {
	t.Helper()
	host = readEnv(t)
	if api {
		host = testregistry.StartReferrers(t)
	}
	signer, err := fixtures.NewSigner()
	if err != nil {
		t.Fatal(err)
	}
	if s, err = fixtures.PushSigned(context.Background(), host, signer); err != nil {
		t.Fatal(err)
	}
	keyFile = filepath.Join(t.TempDir(), "cosign.pub")
	if err := os.WriteFile(keyFile, s.Public, 0o644); err != nil {
		t.Fatal(err)
	}
	return host, s, signer, keyFile
}

func TestInspectAllReferrersJSON(t *testing.T) {
	for _, api := range []bool{false, true} {
		host, s, _, _ := signedEnv(t, api)
		var v model.JSONView
		if err := json.Unmarshal([]byte(mustRun(t, "inspect", s.Ref(host), "--all", "-o", "json")), &v); err != nil {
			t.Fatal(err)
		}
		wantSupport, cdxSource := model.SupportTagFallback, model.SourceTag
		if api {
			wantSupport, cdxSource = model.SupportAPI, model.SourceAPI
		}
		if v.ReferrersSupport != wantSupport {
			t.Errorf("api=%v: referrersSupport %q", api, v.ReferrersSupport)
		}
		kinds := map[model.Kind]model.Source{}
		for _, r := range v.Referrers {
			kinds[r.Kind] = r.Source
		}
		if kinds[model.KindSignature] != model.SourceCosign || kinds[model.KindProvenance] != model.SourceCosign {
			t.Errorf("api=%v: top-level referrers %+v", api, v.Referrers)
		}
		var sawCDX, sawStatements bool
		for _, e := range v.Manifests {
			if e.AttestationFor != nil {
				for _, st := range e.Statements {
					switch st.Kind {
					case model.KindProvenance:
						sawStatements = st.Provenance != nil && st.Provenance.BuilderID == s.Build.BuilderID && st.Provenance.Revision == s.Build.Revision
					case model.KindSBOM:
						if st.SBOM == nil || st.SBOM.Count != s.Packages[platOfDigest(s, *e.AttestationFor)] {
							t.Errorf("attestation SBOM %+v", st.SBOM)
						}
					}
				}
				continue
			}
			src := map[model.Source]int{}
			for _, r := range e.Referrers {
				src[r.Source]++
				if r.Digest == s.CycloneDX {
					sawCDX = r.Source == cdxSource && r.Kind == model.KindSBOM && r.ArtifactType == model.MediaTypeCycloneDX && len(r.SBOMs) == 1 && r.SBOMs[0].Count == s.CycloneDXPackages
				}
			}
			if src[model.SourceIndex] != 1 || src[model.SourceCosign] != 1 {
				t.Errorf("api=%v: %s referrers by source %v", api, e.Platform, src)
			}
		}
		if !sawCDX || !sawStatements {
			t.Errorf("api=%v: CycloneDX referrer %v, provenance statement %v", api, sawCDX, sawStatements)
		}
	}
}

func platOfDigest(s *fixtures.Signed, d string) string {
	for p, dd := range s.Images {
		if dd == d {
			return p
		}
	}
	return ""
}

func TestInspectAllTableSummarises(t *testing.T) {
	host, s, _, _ := signedEnv(t, false)
	out := mustRun(t, "inspect", s.Ref(host), "--all")
	for _, want := range []string{"Supply chain", "signed (not verified)", "provenance", "no referrers API", "SBOM 17 packages", "SBOM 7 packages", "SBOM 12 packages"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "signed,") || strings.Contains(out, "verified)") && strings.Contains(out, " verified ") {
		t.Errorf("table claims verification:\n%s", out)
	}
	// Without --all nothing is looked up (the round trips stay as they were).
	if out := mustRun(t, "inspect", s.Ref(host)); strings.Contains(out, "Supply chain") {
		t.Errorf("inspect without --all looked up referrers:\n%s", out)
	}
}

func TestVerifyGoodWrongAndTampered(t *testing.T) {
	host, s, _, keyFile := signedEnv(t, false)
	out := mustRun(t, "verify", s.Ref(host), "--key", keyFile)
	if n := strings.Count(out, "verified"); n != 4 {
		t.Errorf("good key: %d verified, want 4 (index .sig and .att, two platforms):\n%s", n, out)
	}

	other, _ := fixtures.NewSigner()
	wrongKey := filepath.Join(t.TempDir(), "other.pub")
	_ = os.WriteFile(wrongKey, other.PublicPEM(), 0o644)
	code, out, errs := runCLI("verify", s.Ref(host), "--key", wrongKey)
	if code != verifyFailed || strings.Count(out, "wrong key") != 4 || strings.Contains(out, " verified ") {
		t.Errorf("wrong key: exit %d\n%s%s", code, out, errs)
	}

	// Tamper: the arm64 image's .sig now carries the amd64 signature
	// (a good signature, of another digest), and a payload altered after
	// signing replaces the amd64 one.
	repo := host + "/" + s.Repo
	amd, _ := v1.NewHash(s.Images["linux/amd64"])
	arm, _ := v1.NewHash(s.Images["linux/arm64"])
	amdSig, err := remote.Image(mustRef(t, repo+":sha256-"+amd.Hex+".sig"))
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(mustRef(t, repo+":sha256-"+arm.Hex+".sig"), amdSig); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCLI("verify", s.Ref(host), "--key", keyFile, "-o", "json")
	var lines []struct{ Where, Verdict string }
	if err := json.Unmarshal([]byte(out), &lines); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, l := range lines {
		if l.Where != "index" {
			got[l.Where] = l.Verdict
		}
	}
	if code != verifyFailed || got["linux/arm64"] != "digest mismatch" || got["linux/amd64"] != "verified" {
		t.Errorf("tampered: exit %d, %v", code, got)
	}
}

func TestVerifyBadInput(t *testing.T) {
	host, s, _, keyFile := signedEnv(t, false)
	if code, _, errs := runCLI("verify", s.Ref(host)); code != verifyCannot || !strings.Contains(errs, "--key") {
		t.Errorf("no key: %d %s", code, errs)
	}
	if code, _, errs := runCLI("verify", s.Ref(host), "--key", keyFile, "--trusted-root", keyFile); code != verifyCannot || !strings.Contains(errs, "not verified") {
		t.Errorf("trusted root: %d %s", code, errs)
	}
	garbage := filepath.Join(t.TempDir(), "k")
	_ = os.WriteFile(garbage, []byte("hello"), 0o644)
	if code, _, errs := runCLI("verify", s.Ref(host), "--key", garbage); code != verifyCannot || !strings.Contains(errs, "PUBLIC KEY") {
		t.Errorf("garbage key: %d %s", code, errs)
	}
	// An unsigned image: nothing found, exit 1, and it says so.
	set, err := fixtures.Push(context.Background(), host, fixtures.Only(fixtures.OCIAttest))
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI("verify", set[fixtures.OCIAttest].Ref(host), "--key", keyFile)
	if code != verifyFailed || !strings.Contains(out+errs, "no cosign signature") {
		t.Errorf("unsigned: %d %s %s", code, out, errs)
	}
}

func TestSBOMCommand(t *testing.T) {
	host, s, _, _ := signedEnv(t, false)
	out := mustRun(t, "sbom", s.Ref(host), "--platform", "linux/arm64")
	for _, want := range []string{"linux/arm64", "SPDX-2.3, 17 packages", "CycloneDX", "7 packages", "arm64-lib16", "pkg:apk/alpine/arm64-lib00@1.0.0", "Apache-2.0"} {
		if !strings.Contains(out, want) {
			t.Errorf("sbom lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "amd64-lib") {
		t.Errorf("--platform linux/arm64 lists amd64 packages")
	}
	var secs []struct {
		Where    string
		Count    int
		Packages []struct{ Name, Version, PURL, License string }
	}
	if err := json.Unmarshal([]byte(mustRun(t, "sbom", s.Ref(host), "-o", "json")), &secs); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, sec := range secs {
		counts[sec.Where] += sec.Count
		if len(sec.Packages) != sec.Count {
			t.Errorf("%s: %d packages listed of %d", sec.Where, len(sec.Packages), sec.Count)
		}
	}
	if counts["linux/amd64"] != 12 || counts["linux/arm64"] != 17+7 {
		t.Errorf("counts %v", counts)
	}
	if code, _, errs := runCLI("sbom", s.Ref(host), "--platform", "linux/s390x"); code == 0 || errs == "" {
		t.Errorf("no such platform: exit %d", code)
	}
}

// Editing a signed index changes its digest: push --dry-run names the
// signature and attestation of the old index that will no longer apply.
func TestDryRunNamesSignaturesLeftBehind(t *testing.T) {
	host := editEnv(t)
	signer, _ := fixtures.NewSigner()
	s, err := fixtures.PushSigned(context.Background(), host, signer)
	if err != nil {
		t.Fatal(err)
	}
	list := s.Ref(host)
	mustMF(t, "create", list, "--amend")
	mustMF(t, "annotate", list, "--index-annotation", "org.opencontainers.image.version=2")
	code, _, errs := mf(t, "push", list, "--dry-run")
	if code != 0 {
		t.Fatalf("dry run: %d %s", code, errs)
	}
	for _, want := range []string{"will no longer apply", "signature sha256:", "sha256-" + strings.TrimPrefix(s.Digest, "sha256:") + ".sig", "attestation sha256:", ".att", "the images' own signatures still apply"} {
		if !strings.Contains(errs, want) {
			t.Errorf("dry run lacks %q:\n%s", want, errs)
		}
	}
	// An image that is not signed: nothing is left behind, and it says so.
	set, err := fixtures.Push(context.Background(), host, fixtures.Only(fixtures.OCIAttest))
	if err != nil {
		t.Fatal(err)
	}
	plain := set[fixtures.OCIAttest].Ref(host)
	mustMF(t, "create", plain, "--amend")
	mustMF(t, "annotate", plain, "--index-annotation", "k=v")
	if _, _, errs := mf(t, "push", plain, "--dry-run"); !strings.Contains(errs, "nothing is left behind") {
		t.Errorf("unsigned dry run:\n%s", errs)
	}
}
