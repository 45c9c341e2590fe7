package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/model/attest"
	"github.com/manifold-dev/manifold/verbs"
)

func init() { subcommands = append(subcommands, newVerifyCmd, newSBOMCmd) }

// Exit statuses of verify.
const (
	verifyFailed = 1 // a signature did not verify, or none was found
	verifyCannot = 2 // the key or the reference could not be read
)

// errKeyless explains why --trusted-root is refused.
var errKeyless = errors.New("--trusted-root: keyless verification is not supported in this build: " +
	"sigstore-go (which checks Fulcio certificates and Rekor entries against a trusted root) needs a newer Go " +
	"than manifold builds with. Keyless signatures are shown with their certificate identity and issuer " +
	"(manifold inspect --all), not verified; verify them with cosign verify --certificate-identity …")

func newVerifyCmd(g *globals) *cobra.Command {
	var (
		keyFile, trustedRoot, output string
	)
	cmd := &cobra.Command{
		Use:   "verify REF --key cosign.pub",
		Short: "Check an image's cosign signatures against a public key, offline",
		Long: `verify finds every cosign signature attached to REF (on the index and on
each platform image: cosign's sha256-<hex>.sig tags, OCI referrers, and the
DSSE envelopes of cosign attestations) and checks each against the public key,
offline. Per signature it says:

  verified         the key made the signature, and it signs this digest
  wrong key        the signature does not verify under this key (another key
                   made it, or its payload was altered after signing)
  digest mismatch  the payload signs another digest than this image's (copied
                   from another image, or the index was rewritten)

The exit status is 0 when at least one signature was found and every one
verified, 1 otherwise, 2 when the key or the reference could not be read.

Keyless signatures (Fulcio certificate, Rekor bundle) are shown, not verified:
no transparency log is consulted.`,
		Example: `  manifold verify localhost:5000/app:v1 --key cosign.pub
  manifold verify localhost:5000/app:v1 --key cosign.pub -o json | jq '.[] | select(.verdict != "verified")'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cannot := func(err error) error { return &exitError{code: verifyCannot, msg: err.Error()} }
			if trustedRoot != "" {
				return cannot(errKeyless)
			}
			format, err := parseFormat(output, formatTable, formatJSON)
			if err != nil {
				return cannot(err)
			}
			if keyFile == "" {
				return cannot(errors.New("verify needs --key FILE: the cosign public key (cosign.pub) to check signatures against"))
			}
			pemBytes, err := os.ReadFile(keyFile)
			if err != nil {
				return cannot(fmt.Errorf("read --key: %w", err))
			}
			pub, err := attest.LoadPublicKey(pemBytes)
			if err != nil {
				return cannot(fmt.Errorf("--key %s: %w", keyFile, err))
			}
			c, err := g.client()
			if err != nil {
				return cannot(err)
			}
			res, err := verbs.Verify(cmd.Context(), c, args[0], pub)
			if err != nil {
				return cannot(err)
			}
			if format == formatJSON {
				err = writeJSON(g.stdout, verifyJSON(res))
			} else {
				err = writeVerifyTable(colourWriter(g.stdout), res, defaultTableStyles())
			}
			if err != nil {
				return cannot(err)
			}
			if !res.Verified() {
				msg := "not every signature verified"
				if len(res.Results) == 0 {
					msg = noSignaturesText(res.Tree)
				}
				return &exitError{code: verifyFailed, msg: msg}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&keyFile, "key", "", "cosign public key (PEM) to verify against")
	cmd.Flags().StringVar(&trustedRoot, "trusted-root", "", "sigstore trusted root for keyless verification (not supported: see --help)")
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table or json")
	return cmd
}

// noSignaturesText says "none found" or "could not tell", never "unsigned"
// when a lookup failed.
func noSignaturesText(t *model.Tree) string {
	failed := t.Supply != nil && len(t.Supply.Errs) > 0
	var walk func([]*model.Entry)
	walk = func(es []*model.Entry) {
		for _, e := range es {
			failed = failed || e.Supply != nil && len(e.Supply.Errs) > 0
			walk(e.Children)
		}
	}
	walk(t.Entries)
	if failed {
		return "no signature found, but some lookups failed: signed state unknown (run manifold inspect --all for the errors)"
	}
	return "no cosign signature is attached to the index or any image"
}

type verifyLine struct {
	Where    string         `json:"where"`
	Subject  string         `json:"subject"`
	Referrer string         `json:"referrer"`
	Source   model.Source   `json:"source"`
	Kind     model.Kind     `json:"kind"`
	Verdict  attest.Verdict `json:"verdict"`
	Detail   string         `json:"detail,omitempty"`
	Identity string         `json:"identity,omitempty"`
}

func verifyJSON(res *verbs.VerifyResult) []verifyLine {
	out := []verifyLine{}
	for _, v := range res.Results {
		out = append(out, verifyLine{Where: v.Where, Subject: v.Subject, Referrer: v.Referrer, Source: v.Source, Kind: v.Kind, Verdict: v.Verdict, Detail: v.Detail, Identity: v.Identity})
	}
	return out
}

func writeVerifyTable(w io.Writer, res *verbs.VerifyResult, st tableStyles) error {
	var rows [][]cell
	for _, v := range res.Results {
		vs := st.bad
		if v.Verdict == attest.Verified {
			vs = st.platform
		}
		what := string(v.Kind)
		if v.Identity != "" {
			what += " by " + v.Identity
		}
		rows = append(rows, []cell{styled(termsafe.String(v.Where), st.platform), styled(termsafe.String(shortDigest(v.Subject)), st.digest),
			plain(termsafe.String(what)), plain(string(v.Source)), styled(string(v.Verdict), vs), styled(termsafe.String(v.Detail), st.faint)})
	}
	if len(rows) == 0 {
		return nil // the exit error says why
	}
	return writeTable(w, []string{"WHERE", "DIGEST", "SIGNATURE", "SOURCE", "VERDICT", "DETAIL"}, rows, st)
}

func newSBOMCmd(g *globals) *cobra.Command {
	var platform, output string
	cmd := &cobra.Command{
		Use:   "sbom REF",
		Short: "List the packages of the SBOMs attached to an image",
		Long: `sbom finds the SBOMs attached to REF (BuildKit attestations in the index,
cosign attestations and .sbom tags, OCI referrers such as oras attach) and
prints their packages: name, version, purl and license. SPDX 2.x JSON and
CycloneDX JSON are read.

Without --platform every image's SBOMs are listed, each under its platform;
--platform picks the image a host of that platform pulls.`,
		Example: `  manifold sbom localhost:5000/app:v1 --platform linux/arm64
  manifold sbom localhost:5000/app:v1 -o json | jq '.[].packages | length'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := parseFormat(output, formatTable, formatJSON)
			if err != nil {
				return err
			}
			c, err := g.client()
			if err != nil {
				return err
			}
			t, err := verbs.SupplyTree(cmd.Context(), c, args[0])
			if err != nil {
				return err
			}
			secs, err := verbs.SBOMs(t, platform)
			if err != nil {
				return err
			}
			if format == formatJSON {
				return writeJSON(g.stdout, sbomJSON(secs))
			}
			if len(secs) == 0 {
				where := args[0]
				if platform != "" {
					where += " for " + platform
				}
				return fmt.Errorf("%s: %w (manifold inspect %s --all shows what is attached)", termsafe.String(where), verbs.ErrNoSBOM, termsafe.String(args[0]))
			}
			return writeSBOMTable(colourWriter(g.stdout), secs, defaultTableStyles())
		},
	}
	cmd.Flags().StringVar(&platform, "platform", "", "only the image a host of this platform pulls, e.g. linux/arm64")
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table or json")
	return cmd
}

type sbomSection struct {
	Where     string           `json:"where"`
	Subject   string           `json:"subject"`
	Source    model.Source     `json:"source"`
	Referrer  string           `json:"referrer"`
	Format    string           `json:"format"`
	Count     int              `json:"count"`
	Truncated bool             `json:"truncated,omitempty"`
	Packages  []attest.Package `json:"packages"`
}

func sbomJSON(secs []verbs.SBOMSection) []sbomSection {
	out := []sbomSection{}
	for _, s := range secs {
		pk := s.SBOM.Packages
		if pk == nil {
			pk = []attest.Package{}
		}
		out = append(out, sbomSection{Where: s.Where, Subject: s.Subject, Source: s.Source, Referrer: s.Referrer, Format: s.SBOM.Format, Count: s.SBOM.Count, Truncated: s.SBOM.Truncated, Packages: pk})
	}
	return out
}

func writeSBOMTable(w io.Writer, secs []verbs.SBOMSection, st tableStyles) error {
	for i, s := range secs {
		if i > 0 {
			if _, err := io.WriteString(w, "\n"); err != nil {
				return err
			}
		}
		head := fmt.Sprintf("%s  %s  %s, %d packages (%s)", st.platform.Render(termsafe.String(s.Where)), st.digest.Render(termsafe.String(shortDigest(s.Subject))), s.SBOM.Format, s.SBOM.Count, s.Source)
		if s.SBOM.Truncated {
			head += fmt.Sprintf(", first %d listed", len(s.SBOM.Packages))
		}
		if _, err := io.WriteString(w, head+"\n"); err != nil {
			return err
		}
		var rows [][]cell
		for _, p := range s.SBOM.Packages {
			rows = append(rows, []cell{plain(p.Name), plain(p.Version), plain(p.License), styled(p.PURL, st.faint)})
		}
		if len(rows) > 0 {
			if err := writeTable(w, []string{"NAME", "VERSION", "LICENSE", "PURL"}, rows, st); err != nil {
				return err
			}
		}
	}
	return nil
}
