package org.llmplayground.tokenizer;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;

import java.util.List;

@JdbcRepository(dialect = Dialect.H2)
interface TokenizerRepository extends CrudRepository<TokenizerRecord, String> {
    List<TokenizerRecord> findAllOrderByCreatedAt();
}
