package org.llmplayground.model;

/**
 * Where the norm sits in a block. PRE: x + f(norm(x)), with a final norm before the head (GPT-2, Llama): the residual
 * path stays an identity, so deep stacks train stably. POST: norm(x + f(x)) (the original Transformer): no final norm.
 */
public enum NormPlacement {
    PRE, POST
}
