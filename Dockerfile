FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

COPY requirements/ requirements/
RUN pip install --no-cache-dir -r requirements/base.txt -c requirements/constraints.txt

COPY . .
# collectstatic needs production settings to load; these throwaway values exist only for the build.
RUN ENVIRONMENT=production SECRET_KEY=build-only-not-secret-$(date +%s)-collectstatic-placeholder-value \
    ALLOWED_HOSTS=build DATABASE_URL=postgres://build:build@build:5432/build \
    python manage.py collectstatic --noinput

RUN useradd --create-home --uid 1000 bootcamp && mkdir -p /app/var && chown -R bootcamp /app/var
USER bootcamp
EXPOSE 8000
CMD ["gunicorn", "lotibootcamp.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
