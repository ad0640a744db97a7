/**
 * The networks in DJL: {@link org.llmplayground.model.nn.Transformer} (readable like nanoGPT's model.py, one DJL
 * block whose parameters have plain names such as {@code layers.3.attn.q.weight}) and
 * {@link org.llmplayground.model.nn.Bigram}. Shapes in comments: B batch, T tokens, d width, H heads, hs head size.
 */
package org.llmplayground.model.nn;
