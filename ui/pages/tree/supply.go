package tree

import (
	"context"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/model/attest"
	"github.com/manifold-dev/manifold/ui/common"
)

// The supply chain in the tree: under the index and each platform entry, a
// group of what is attached (signatures, provenance, SBOMs, other
// attestations), fetched after the tree's first paint so that paint costs
// no more than it did.

// Supplier continues a fetched tree with what is attached to it.
// *registry.Client satisfies it; a Registry that is not a Supplier shows
// no supply chain.
type Supplier interface {
	Supply(ctx context.Context, t *model.Tree) (*model.Tree, error)
}

// supplyMsg carries a tree with its supply chain.
type supplyMsg struct {
	page, req int
	tree      *model.Tree
	err       error
}

func (m supplyMsg) Target() int { return m.page }

// fetchSupply asks for what is attached to t, as request req of page.
func fetchSupply(ctx context.Context, reg common.Registry, t *model.Tree, page, req int) tea.Cmd {
	s, ok := reg.(Supplier)
	if !ok || t == nil {
		return nil
	}
	return common.WithRetries(ctx, page, func(ctx context.Context) tea.Msg {
		full, err := s.Supply(ctx, t)
		return supplyMsg{page: page, req: req, tree: full, err: err}
	})
}

// SupplyItem is one row of a supply-chain group.
type SupplyItem struct {
	Kind  model.Kind
	parts []string // already safe
	bad   bool
	// raw is what v shows, with its title.
	rawTitle string
	raw      []byte
	SBOM     *attest.SBOM
	where    string // "index" or the platform, for the SBOM page title
	// What the details pane shows.
	ref  *model.Referrer
	st   *attest.Statement
	sigs []*attest.Signature
}

// addSupply adds the supply-chain group of s under parent.
func addSupply(parent *Node, s *model.Supply, where string) {
	if s == nil || len(s.Referrers) == 0 && len(s.Errs) == 0 && !s.Truncated {
		return // nothing attached: the header says "unsigned"
	}
	g := &Node{Kind: NodeSupply, Key: parent.Key + "/supply", depth: parent.depth + 1, parent: parent, supply: s}
	var cur *model.Referrer
	item := func(it *SupplyItem) {
		it.where = where
		if it.ref == nil {
			it.ref = cur
		}
		g.children = append(g.children, &Node{Kind: NodeSupplyItem, Key: fmt.Sprintf("%s/%d", g.Key, len(g.children)),
			depth: g.depth + 1, parent: g, Item: it})
	}
	for _, e := range s.Errs {
		item(&SupplyItem{Kind: model.KindOther, bad: true, parts: []string{"✗ lookup failed: " + termsafe.String(e)}})
	}
	for _, r := range s.Referrers {
		cur = r
		src := string(r.Source)
		var manifest []byte
		if r.Image != nil {
			manifest = r.Image.Raw
		}
		if r.Err != "" {
			item(&SupplyItem{Kind: r.Kind, bad: true, rawTitle: "referrer " + r.Digest, raw: manifest,
				parts: []string{string(r.Kind), src, common.ShortDigest(r.Digest), "✗ " + termsafe.String(r.Err)}})
			continue
		}
		a := r.Artifact
		if a == nil {
			item(&SupplyItem{Kind: r.Kind, rawTitle: "referrer " + r.Digest, raw: manifest,
				parts: []string{string(r.Kind), common.ShortMediaType(r.ArtifactType), src, common.ShortDigest(r.Digest)}})
			continue
		}
		signedBy := ""
		for _, sig := range a.Signatures {
			if r.Kind != model.KindSignature {
				signedBy = signatureText(sig) // a signed attestation: said on its row
				continue
			}
			parts := []string{"signature", src, signatureText(sig), common.ShortDigest(r.Digest)}
			item(&SupplyItem{Kind: model.KindSignature, bad: sig.Err != "", rawTitle: "signature manifest " + r.Digest, raw: manifest, parts: parts, sigs: []*attest.Signature{sig}})
		}
		for _, st := range a.Statements {
			it := statementItem(st, src)
			if signedBy != "" {
				it.parts = append(it.parts, signedBy)
				it.sigs = a.Signatures
			}
			item(it)
		}
		for _, sb := range a.SBOMs {
			item(&SupplyItem{Kind: model.KindSBOM, SBOM: sb, rawTitle: "SBOM referrer " + r.Digest, raw: manifest,
				parts: []string{"SBOM", sb.Format, common.Plural(sb.Count, "package", "packages"), src}})
		}
		for _, e := range a.Errs {
			item(&SupplyItem{Kind: r.Kind, bad: true, rawTitle: "referrer " + r.Digest, raw: manifest, parts: []string{string(r.Kind), src, "✗ " + termsafe.String(e)}})
		}
	}
	if s.Truncated {
		item(&SupplyItem{Kind: model.KindOther, bad: true, parts: []string{fmt.Sprintf("more than %d referrers: the list was cut", model.MaxReferrers)}})
	}
	parent.children = append(parent.children, g)
}

func signatureText(sig *attest.Signature) string {
	switch {
	case sig.Err != "":
		return "✗ " + sig.Err
	case sig.Keyless:
		who := sig.Identity
		if sig.Issuer != "" {
			who += " (" + sig.Issuer + ")"
		}
		return "keyless by " + who + ": shown, not verified"
	}
	return "signed (not verified)"
}

func statementItem(st *attest.Statement, src string) *SupplyItem {
	it := &SupplyItem{Kind: model.StatementKind(st), rawTitle: "statement " + st.PredicateType, raw: st.Raw, st: st}
	switch {
	case st.Provenance != nil:
		p := st.Provenance
		it.parts = []string{"provenance", "builder " + common.OrDash(trimScheme(p.BuilderID)), trimScheme(sourceAt(p)), "SLSA " + p.SLSAVersion}
		if p.BuiltOn != nil {
			it.parts = append(it.parts, "built "+p.BuiltOn.Format("2006-01-02 15:04"))
		}
	case st.SBOM != nil:
		it.SBOM = st.SBOM
		it.parts = []string{"SBOM", st.SBOM.Format, common.Plural(st.SBOM.Count, "package", "packages")}
	default:
		it.parts = []string{string(it.Kind), termsafe.String(model.PredicateName(st.PredicateType))}
	}
	if st.PredicateErr != "" {
		it.bad = true
		it.parts = append(it.parts, "✗ "+st.PredicateErr)
	}
	it.parts = append(it.parts, src)
	return it
}

// sourceAt is source@revision, the revision cut to 12 characters.
func sourceAt(p *attest.Provenance) string {
	if p.Source == "" {
		return "source unknown"
	}
	rev := p.Revision
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev == "" {
		return p.Source
	}
	return p.Source + "@" + rev
}

// supplyHeader counts what is attached to the whole tree for the title
// line: "9 attestations · signed (not verified)".
func supplyHeader(t *model.Tree, loading bool) string {
	var all []*model.Supply
	if t.Supply != nil {
		all = append(all, t.Supply)
	}
	var walk func([]*model.Entry)
	walk = func(es []*model.Entry) {
		for _, e := range es {
			if e.Supply != nil {
				all = append(all, e.Supply)
			}
			walk(e.Children)
		}
	}
	walk(t.Entries)
	if len(all) == 0 {
		if loading {
			return "supply chain…"
		}
		return ""
	}
	sigs, other, failed := 0, 0, false
	for _, s := range all {
		sigs += s.Count(model.KindSignature)
		failed = failed || len(s.Errs) > 0
		for _, r := range s.Referrers {
			if r.Source != model.SourceIndex && r.Kind != model.KindSignature {
				other++ // attestations and SBOMs outside the index
			}
		}
	}
	state := "unsigned"
	switch {
	case sigs > 0:
		state = "signed (not verified)"
	case failed:
		state = "signatures unknown"
	}
	if other > 0 {
		return fmt.Sprintf("%d attached", other) + " · " + state
	}
	return state
}

// supplyParts renders a supply-chain row.
func (p *Model) supplyParts(n *Node) []string {
	s := p.C.Styles
	if n.Kind == NodeSupply {
		parts := []string{s.Bold.Render("supply chain")}
		state := n.supply.SignatureState()
		st := s.Faint
		switch {
		case strings.HasPrefix(state, "signed"):
			st = s.OK
		case state == "signatures unknown":
			st = s.Warn
		}
		parts = append(parts, st.Render(state))
		if rest := n.supply.Summary()[1:]; len(rest) > 0 {
			parts = append(parts, s.Faint.Render(termsafe.String(strings.Join(rest, " · "))))
		}
		return parts
	}
	it := n.Item
	parts := make([]string, 0, len(it.parts))
	for i, part := range it.parts {
		switch {
		case i == 0:
			parts = append(parts, s.Bold.Render(part))
		case it.bad && strings.HasPrefix(part, "✗"):
			parts = append(parts, s.Error.Render(part))
		default:
			parts = append(parts, part)
		}
	}
	if it.SBOM != nil {
		parts = append(parts, s.Faint.Render("(enter: packages)"))
	}
	return parts
}

// trimScheme drops https:// for display; the raw view keeps it.
func trimScheme(s string) string { return strings.TrimPrefix(s, "https://") }

func referrersSupportText(s model.Support) string {
	switch s {
	case model.SupportAPI:
		return "OCI referrers API"
	case model.SupportTagFallback:
		return "no referrers API: sha256-<hex> tag schema"
	}
	return "unknown"
}

// supplyDetails fills the side pane for a supply-chain row: everything
// decoded, uncut (the pane wraps).
func supplyDetails(it *SupplyItem, head func(string), add func(label, value string)) {
	head(strings.ToUpper(string(it.Kind[:1])) + string(it.Kind[1:]))
	if r := it.ref; r != nil {
		add("found in", string(r.Source))
		add("tag", r.Tag)
		add("referrer", r.Digest)
		add("artifact type", r.ArtifactType)
	}
	if st := it.st; st != nil {
		add("predicate", st.PredicateType)
		for _, sub := range st.Subjects {
			add("subject", strings.TrimSpace(sub.Name+" "+sub.Digest))
		}
		if p := st.Provenance; p != nil {
			add("builder", p.BuilderID)
			add("build type", p.BuildType)
			add("source", p.Source)
			add("revision", p.Revision)
			if p.BuiltOn != nil {
				add("built", p.BuiltOn.Format("2006-01-02 15:04:05Z"))
			}
		}
	}
	if sb := it.SBOM; sb != nil {
		add("format", sb.Format)
		add("packages", fmt.Sprint(sb.Count))
	}
	for _, sig := range it.sigs {
		add("signed digest", sig.SignedDigest)
		add("docker reference", sig.DockerReference)
		add("identity", sig.Identity)
		add("issuer", sig.Issuer)
		add("verified", "no: manifold verify --key checks it")
	}
}
