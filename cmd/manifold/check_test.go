package main

import (
	"encoding/json"
	"encoding/xml"
	"sort"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/manifold-dev/manifold/internal/fixtures"
)

// checkRun runs check -o json and decodes its answer.
func checkRun(t *testing.T, args ...string) (int, checkJSON, string) {
	t.Helper()
	code, out, errs := runCLI(append(append([]string{"check"}, args...), "-o", "json")...)
	var r checkJSON
	if code != checkCannot {
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("check %v: exit %d, %v\n%s%s", args, code, err, out, errs)
		}
	}
	return code, r, errs
}

func codesOf(r checkJSON) []string {
	var cs []string
	for _, p := range r.Problems {
		cs = append(cs, p.Code+" "+p.Platform)
	}
	sort.Strings(cs)
	return cs
}

func TestCheckEveryCode(t *testing.T) {
	host := readEnv(t)
	good := pushIndex(t, host+"/app:good", false, nil,
		img(p("linux", "amd64", "", "")), attestationOf(0),
		img(p("linux", "arm64", "v8", "")), attestationOf(2))

	// Everything holds: exit 0, ok, no problems (an empty list, not null).
	code, r, _ := checkRun(t, good.ref, "--expect", "linux/amd64,linux/arm64", "--exact", "--require-attestations", "--max-size", "*=1GB")
	if code != checkOK || !r.OK || r.Problems == nil || len(r.Problems) != 0 || r.Digest != good.digest || r.Reference != good.ref {
		t.Fatalf("good: exit %d %+v", code, r)
	}
	if out := mustRun(t, "check", good.ref, "--expect", "linux/arm64"); !strings.Contains(out, "every check holds (2 platforms: linux/amd64, linux/arm64/v8)") {
		t.Errorf("good table: %q", out)
	}

	// The CI race: the tag collapsed to one architecture.
	collapsed := pushIndex(t, host+"/app:collapsed", false, nil, img(p("linux", "amd64", "", "")))
	code, r, _ = checkRun(t, collapsed.ref, "--expect", "linux/amd64", "--expect", "linux/arm64,linux/arm/v7")
	if code != checkProblems || r.OK || strings.Join(codesOf(r), ";") != "missing-platform linux/arm/v7;missing-platform linux/arm64" {
		t.Fatalf("collapsed: exit %d %v", code, codesOf(r))
	}
	if !strings.Contains(r.Problems[0].Message, "available: linux/amd64") {
		t.Errorf("message %q", r.Problems[0].Message)
	}
	// An arm/v6 entry is no arm/v7 (no fallback in a gate), and a Windows
	// expectation with a build needs that build.
	fallback := pushIndex(t, host+"/app:fallback", false, nil, img(p("linux", "arm", "v6", "")), img(p("windows", "amd64", "", "10.0.20348.2113")))
	code, r, _ = checkRun(t, fallback.ref, "--expect", "linux/arm/v7,linux/arm/v6,windows/amd64:10.0.26100,windows/amd64:10.0.20348,windows/amd64")
	if code != checkProblems || strings.Join(codesOf(r), ";") != "missing-platform linux/arm/v7;missing-platform windows/amd64:10.0.26100" {
		t.Fatalf("fallback: exit %d %v", code, codesOf(r))
	}

	// Everything wrong at once.
	bad := pushIndex(t, host+"/app:bad", false, nil,
		img(p("linux", "amd64", "", "")), attestationOf(0),
		img(p("linux", "amd64", "", "")),
		img(p("linux", "arm", "v9", "")),
		lying(p("linux", "arm64", "", ""), p("linux", "amd64", "", "")),
		img(p("linux", "s390x", "", "")),
		img(p("linux", "ppc64le", "", "")))
	if err := remote.Delete(mustParse(t, host+"/app@"+bad.digests[6])); err != nil {
		t.Fatal(err)
	}
	code, r, _ = checkRun(t, bad.ref, "--expect", "linux/amd64,linux/arm64,linux/riscv64", "--exact", "--require-attestations", "--max-size", "linux/s390x=10B")
	want := []string{
		"duplicate-platform linux/amd64",
		"invalid-variant linux/arm/v9",
		"missing-attestation linux/amd64", // the second amd64 entry
		"missing-attestation linux/arm/v9",
		"missing-attestation linux/arm64",
		"missing-attestation linux/s390x",
		"missing-child linux/ppc64le",
		"missing-platform linux/riscv64",
		"platform-mismatch linux/arm64",
		"size-limit linux/s390x",
		"unexpected-platform linux/arm/v9",
		"unexpected-platform linux/ppc64le",
		"unexpected-platform linux/s390x",
	}
	if code != checkProblems || strings.Join(codesOf(r), "\n") != strings.Join(want, "\n") {
		t.Fatalf("bad: exit %d\n%s\nwant\n%s", code, strings.Join(codesOf(r), "\n"), strings.Join(want, "\n"))
	}
	for _, pr := range r.Problems {
		if pr.Message == "" {
			t.Errorf("%s without a message", pr.Code)
		}
	}

	// A Docker list carrying index annotations, which its format drops.
	dl := pushIndex(t, host+"/app:docker", true, map[string]string{"org.opencontainers.image.source": "https://example.com"},
		img(p("linux", "amd64", "", "")))
	code, r, _ = checkRun(t, dl.ref)
	if code != checkProblems || strings.Join(codesOf(r), ";") != "dropped-annotations " {
		t.Fatalf("docker list: exit %d %v", code, codesOf(r))
	}

	// Table output names every problem; exit 1.
	code, out, _ := runCLI("check", bad.ref, "--expect", "linux/riscv64")
	if code != checkProblems || !strings.Contains(out, "missing-child") || !strings.Contains(out, "problems") {
		t.Errorf("bad table: exit %d\n%s", code, out)
	}
}

func TestCheckCannotCheckExitsTwo(t *testing.T) {
	host := readEnv(t)
	good := pushIndex(t, host+"/app:good", false, nil, img(p("linux", "amd64", "", "")))
	for name, args := range map[string][]string{
		"no reference":   {"check"},
		"two references": {"check", good.ref, good.ref},
		"unknown flag":   {"check", good.ref, "--expekt", "linux/amd64"},
		"bad platform":   {"check", good.ref, "--expect", "linux"},
		"bad size":       {"check", good.ref, "--max-size", "linux/amd64=lots"},
		"size no =":      {"check", good.ref, "--max-size", "200MB"},
		"exact alone":    {"check", good.ref, "--exact"},
		"bad format":     {"check", good.ref, "-o", "yaml"},
		"no such tag":    {"check", host + "/app:nope", "--expect", "linux/amd64"},
		"no registry":    {"check", "127.0.0.1:1/app:v1", "--expect", "linux/amd64"},
	} {
		code, out, errs := runCLI(args...)
		if code != checkCannot || out != "" || errs == "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", name, code, out, errs)
		}
	}
}

// JUnit output parses as JUnit XML: a testsuites root, a test case per
// platform, a failure per problem typed by its code.
func TestCheckJUnit(t *testing.T) {
	host := readEnv(t)
	fx := pushIndex(t, host+"/app:j", false, nil, img(p("linux", "amd64", "", "")), img(p("linux", "amd64", "", "")))
	code, out, _ := runCLI("check", fx.ref, "--expect", "linux/amd64,linux/arm64", "-o", "junit")
	if code != checkProblems || !strings.HasPrefix(out, "<?xml") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	// Decoded with a schema of our own, not the writer's types.
	var doc struct {
		XMLName  xml.Name `xml:"testsuites"`
		Tests    int      `xml:"tests,attr"`
		Failures int      `xml:"failures,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name     string `xml:"name,attr"`
				Class    string `xml:"classname,attr"`
				Failures []struct {
					Type    string `xml:"type,attr"`
					Message string `xml:"message,attr"`
					Body    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, out)
	}
	if len(doc.Suites) != 1 || doc.Tests != 3 || doc.Failures != 2 {
		t.Fatalf("suites %d tests %d failures %d\n%s", len(doc.Suites), doc.Tests, doc.Failures, out)
	}
	got := map[string]string{}
	for _, c := range doc.Suites[0].Cases {
		var types []string
		for _, f := range c.Failures {
			types = append(types, f.Type)
			if f.Message == "" || !strings.Contains(f.Body, f.Type) {
				t.Errorf("failure %+v", f)
			}
		}
		got[c.Name] = strings.Join(types, ",")
		if c.Class == "" {
			t.Errorf("case %s without classname", c.Name)
		}
	}
	if got["index"] != "" || got["linux/amd64"] != "duplicate-platform" || got["linux/arm64"] != "missing-platform" {
		t.Errorf("cases %v", got)
	}
	// An all-good check is a suite of passing cases.
	good := pushIndex(t, host+"/app:jg", false, nil, img(p("linux", "amd64", "", "")))
	code, out, _ = runCLI("check", good.ref, "--expect", "linux/amd64", "-o", "junit")
	if code != checkOK || !strings.Contains(out, `failures="0"`) {
		t.Errorf("good junit: exit %d\n%s", code, out)
	}
}

// An attestation attached as a referrer (cosign attest's .att tag) counts
// for --require-attestations as much as an in-index one.
func TestCheckAttestationsFromReferrers(t *testing.T) {
	host := readEnv(t)
	fx := pushIndex(t, host+"/att:1", false, nil, img(p("linux", "amd64", "", "")), img(p("linux", "arm64", "", "")))
	signer, err := fixtures.NewSigner()
	if err != nil {
		t.Fatal(err)
	}
	armDigest, err := v1.NewHash(fx.digests[1])
	if err != nil {
		t.Fatal(err)
	}
	st, err := fixtures.Statement("https://slsa.dev/provenance/v0.2", "pkg:docker/att", armDigest, []byte(`{"builder":{"id":"x"}}`))
	if err != nil {
		t.Fatal(err)
	}
	att, err := fixtures.CosignAttestation(signer, st, "https://slsa.dev/provenance/v0.2")
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(mustParse(t, host+"/att:sha256-"+armDigest.Hex+".att"), att); err != nil {
		t.Fatal(err)
	}
	code, r, _ := checkRun(t, fx.ref, "--require-attestations")
	if code != checkProblems || strings.Join(codesOf(r), ";") != "missing-attestation linux/amd64" {
		t.Fatalf("exit %d %v", code, r.Problems)
	}
	if !strings.Contains(r.Problems[0].Message, "none among its referrers") {
		t.Errorf("message %q", r.Problems[0].Message)
	}
}
