package org.llmplayground.core.jobs;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;

import java.util.Collection;
import java.util.List;

@JdbcRepository(dialect = Dialect.H2)
interface JobRepository extends CrudRepository<JobRecord, String> {
    List<JobRecord> findByStateIn(Collection<JobState> states);

    List<JobRecord> findByKindOrderByCreatedAtDesc(String kind);
}
