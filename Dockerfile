# Threadline on Airflow: the official image plus our package (pipeline/, dags/, plugins/, sql/, seeds/).
# Built by docker-compose.yml (`docker compose build`); the project lives in /opt/threadline, installed editable so
# that pipeline.settings finds seeds/ and sql/ beside the package.
FROM apache/airflow:3.3.2

USER root
RUN mkdir -p /opt/threadline/data && chown -R airflow:root /opt/threadline
USER airflow

# Dependencies first (a layer that changes only with them), pinned by our own freeze: Airflow's published
# constraints file cannot be fetched where we build, and constraints.txt is what our tests passed with.
COPY --chown=airflow:root pyproject.toml constraints.txt README.md /opt/threadline/
COPY --chown=airflow:root pipeline/__init__.py /opt/threadline/pipeline/__init__.py
RUN pip install --no-cache-dir -c /opt/threadline/constraints.txt -e "/opt/threadline[airflow]"

COPY --chown=airflow:root pipeline /opt/threadline/pipeline
COPY --chown=airflow:root dags /opt/threadline/dags
COPY --chown=airflow:root plugins /opt/threadline/plugins
COPY --chown=airflow:root sql /opt/threadline/sql
COPY --chown=airflow:root seeds /opt/threadline/seeds

ENV THREADLINE_HOME=/opt/threadline \
    THREADLINE_DATA=/opt/threadline/data \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/threadline/dags \
    AIRFLOW__CORE__PLUGINS_FOLDER=/opt/threadline/plugins
