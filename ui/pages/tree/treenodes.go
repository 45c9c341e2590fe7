package tree

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/ui/common"
)

// NodeKind is what a row of the tree shows.
type NodeKind int

const (
	NodeIndex      NodeKind = iota // the top-level index
	NodeEntry                      // a descriptor of an index (platform entry, nested index, attestation)
	NodeManifest                   // a single-platform manifest
	NodeConfig                     // an image config
	NodeLayer                      // a layer
	NodeAnnotation                 // key = value
	NodeSupply                     // the supply-chain group of an image or index
	NodeSupplyItem                 // a signature, statement, SBOM or referrer
)

// Node is one row of the tree, with the model object it shows.
type Node struct {
	Kind     NodeKind
	Key      string // stable across refreshes: the path of digests
	depth    int
	parent   *Node
	children []*Node

	tree  *model.Tree
	Entry *model.Entry
	image *model.Image
	Desc  model.Descriptor
	layer int // 1-based layer number
	// annotation
	annKey, annValue string
	// supply chain
	supply *model.Supply
	Item   *SupplyItem
}

// expandable reports whether the node has children to show.
func (n *Node) expandable() bool { return len(n.children) > 0 }

// buildNodes turns a tree into nodes: index → platform entries → manifest →
// config and layers, with each attestation under the image it describes.
func buildNodes(t *model.Tree) *Node {
	if t == nil {
		return nil
	}
	if !t.IsIndex() {
		root := &Node{Kind: NodeManifest, Key: "root", tree: t, image: t.Image,
			Desc: model.Descriptor{MediaType: t.MediaType, Digest: t.Digest, Size: t.Size, Annotations: t.Annotations}}
		where := "image"
		if t.Image != nil && t.Image.Config != nil {
			where = t.Image.Config.Platform().String()
		}
		addSupply(root, t.Supply, where)
		if t.Image != nil {
			addImageChildren(root, t.Image)
		}
		return root
	}
	root := &Node{Kind: NodeIndex, Key: "root", tree: t,
		Desc: model.Descriptor{MediaType: t.MediaType, Digest: t.Digest, Size: t.Size, Annotations: t.Annotations}}
	addAnnotations(root, t.Annotations)
	addSupply(root, t.Supply, "index")
	addEntries(root, t.Entries)
	return root
}

// addEntries adds entries under parent, placing attestations under the entry
// they describe (or at the end when that entry is not in this index).
func addEntries(parent *Node, entries []*model.Entry) {
	byDigest := map[string]*Node{}
	var orphans []*model.Entry
	for i, e := range entries {
		if e.IsAttestation() {
			continue
		}
		n := entryNode(parent, e, i)
		byDigest[e.Digest] = n
		parent.children = append(parent.children, n)
	}
	for i, e := range entries {
		if !e.IsAttestation() {
			continue
		}
		if owner, ok := byDigest[attestedDigest(e)]; ok {
			owner.children = append(owner.children, entryNode(owner, e, i))
		} else {
			orphans = append(orphans, e)
		}
	}
	for i, e := range orphans {
		parent.children = append(parent.children, entryNode(parent, e, len(entries)+i))
	}
}

func attestedDigest(e *model.Entry) string {
	if e.AttestationFor != "" {
		return e.AttestationFor
	}
	return e.Annotations[model.AnnotationReferenceDigest]
}

func entryNode(parent *Node, e *model.Entry, i int) *Node {
	n := &Node{Kind: NodeEntry, Key: fmt.Sprintf("%s/%d:%s", parent.Key, i, e.Digest), depth: parent.depth + 1,
		parent: parent, Entry: e, Desc: e.Descriptor}
	addAnnotations(n, e.Annotations)
	switch {
	case len(e.Children) > 0:
		addAnnotations(n, e.NestedAnnotations)
		addEntries(n, e.Children)
	case e.Image != nil:
		if !e.IsAttestation() {
			where := "image " + common.ShortDigest(e.Digest)
			if e.Platform != nil {
				where = e.Platform.String()
			}
			addSupply(n, e.Supply, where)
		}
		m := &Node{Kind: NodeManifest, Key: n.Key + "/m", depth: n.depth + 1, parent: n, image: e.Image,
			Desc: model.Descriptor{MediaType: e.Image.MediaType, Digest: e.Image.Digest, Size: e.Image.Size, Annotations: e.Image.Annotations}}
		addAnnotations(m, e.Image.Annotations)
		addImageChildren(m, e.Image)
		n.children = append(n.children, m)
	}
	return n
}

func addImageChildren(parent *Node, im *model.Image) {
	parent.children = append(parent.children, &Node{Kind: NodeConfig, Key: parent.Key + "/c", depth: parent.depth + 1,
		parent: parent, image: im, Desc: im.ConfigDescriptor})
	for i, l := range im.Layers {
		ln := &Node{Kind: NodeLayer, Key: fmt.Sprintf("%s/l%d", parent.Key, i), depth: parent.depth + 1,
			parent: parent, image: im, Desc: l, layer: i + 1}
		addAnnotations(ln, l.Annotations)
		parent.children = append(parent.children, ln)
	}
}

func addAnnotations(parent *Node, ann map[string]string) {
	keys := make([]string, 0, len(ann))
	for k := range ann {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		parent.children = append(parent.children, &Node{Kind: NodeAnnotation, Key: parent.Key + "/a:" + k,
			depth: parent.depth + 1, parent: parent, annKey: k, annValue: ann[k]})
	}
}

// flatten lists the rows on screen: the nodes whose ancestors are expanded.
func flatten(root *Node, expanded map[string]bool) []*Node {
	if root == nil {
		return nil
	}
	var rows []*Node
	var walk func(n *Node)
	walk = func(n *Node) {
		rows = append(rows, n)
		if expanded[n.Key] {
			for _, c := range n.children {
				walk(c)
			}
		}
	}
	walk(root)
	return rows
}

// rawJSON returns what the raw view shows for a node: the registry's bytes
// for manifests, indexes and configs, the descriptor for the rest.
func rawJSON(n *Node) (title string, raw []byte) {
	switch n.Kind {
	case NodeIndex:
		return "index " + n.Desc.Digest, n.tree.Raw
	case NodeManifest:
		if n.image != nil && n.image.Raw != nil {
			return "manifest " + n.Desc.Digest, n.image.Raw
		}
		if n.tree != nil {
			return "manifest " + n.Desc.Digest, n.tree.Raw
		}
	case NodeConfig:
		if n.image != nil && n.image.ConfigRaw != nil {
			return "config " + n.Desc.Digest, n.image.ConfigRaw
		}
	case NodeEntry:
		if n.Entry != nil && n.Entry.NestedRaw != nil {
			return "index " + n.Desc.Digest, n.Entry.NestedRaw
		}
		if n.Entry != nil && n.Entry.Image != nil && n.Entry.Image.Raw != nil {
			return "manifest " + n.Desc.Digest, n.Entry.Image.Raw
		}
	case NodeAnnotation:
		b, _ := json.Marshal(map[string]string{n.annKey: n.annValue})
		return "annotation", b
	case NodeSupplyItem:
		if n.Item.raw != nil {
			return n.Item.rawTitle, n.Item.raw
		}
		b, _ := json.Marshal(map[string]string{"note": strings.Join(n.Item.parts, "  ")})
		return "supply chain", b
	case NodeSupply:
		b, _ := json.Marshal(map[string]any{"summary": n.supply.Summary(), "referrersSupport": n.supply.Support, "errors": n.supply.Errs})
		return "supply chain", b
	}
	b, _ := json.Marshal(n.Desc)
	return "descriptor " + n.Desc.Digest, b
}
