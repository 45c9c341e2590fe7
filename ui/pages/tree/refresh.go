package tree

// findNode returns the node of the tree under root with key, expanded or
// not, or nil.
func findNode(root *Node, key string) *Node {
	if root == nil {
		return nil
	}
	if root.Key == key {
		return root
	}
	for _, c := range root.children {
		if n := findNode(c, key); n != nil {
			return n
		}
	}
	return nil
}
