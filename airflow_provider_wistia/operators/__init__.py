"""Operators of the Wistia provider, importable from here.

Each operator is loaded on first access (module ``__getattr__``), so importing this package
in a DAG file costs nothing until an operator is actually used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from airflow_provider_wistia._lazy import lazy_exports

_MODULE_OF = {
    "WistiaGetAccountOperator": "account",
    "WistiaListProjectsOperator": "projects",
    "WistiaGetProjectOperator": "projects",
    "WistiaCreateProjectOperator": "projects",
    "WistiaUpdateProjectOperator": "projects",
    "WistiaDeleteProjectOperator": "projects",
    "WistiaCopyProjectOperator": "projects",
    "WistiaListSharingsOperator": "sharings",
    "WistiaGetSharingOperator": "sharings",
    "WistiaCreateSharingOperator": "sharings",
    "WistiaUpdateSharingOperator": "sharings",
    "WistiaDeleteSharingOperator": "sharings",
    "WistiaListMediasOperator": "medias",
    "WistiaGetMediaOperator": "medias",
    "WistiaUpdateMediaOperator": "medias",
    "WistiaDeleteMediaOperator": "medias",
    "WistiaCopyMediaOperator": "medias",
    "WistiaGetMediaStatsOperator": "medias",
    "WistiaGetMediaEmbedOperator": "medias",
    "WistiaUploadMediaOperator": "uploads",
    "WistiaExportStatsOperator": "stats",
    "WistiaExportDailyStatsOperator": "exports",
    "WistiaExportEventsOperator": "exports",
    "WistiaApiOperator": "api",
    "WistiaCreateCaptionsOperator": "captions",
    "WistiaUpdateCaptionsOperator": "captions",
    "WistiaDeleteCaptionsOperator": "captions",
    "WistiaOrderCaptionsOperator": "captions",
    "WistiaUpdateCustomizationsOperator": "customizations",
    "WistiaDeleteCustomizationsOperator": "customizations",
    "WistiaArchiveMediasOperator": "jobs",
    "WistiaRestoreMediasOperator": "jobs",
    "WistiaMoveMediasOperator": "jobs",
    "WistiaSwapMediaOperator": "jobs",
    "WistiaTrimMediaOperator": "jobs",
    "WistiaCreateSubfolderOperator": "library",
    "WistiaCreateTagOperator": "library",
    "WistiaCreateChannelEpisodeOperator": "library",
    "WistiaCreateWebinarOperator": "modern",
    "WistiaUpdateWebinarOperator": "modern",
    "WistiaDeleteWebinarOperator": "modern",
    "WistiaRegisterForWebinarOperator": "modern",
    "WistiaImportMediaUrlOperator": "modern",
    "WistiaCopyMediasOperator": "modern",
    "WistiaCreateChannelOperator": "modern",
    "WistiaTagMediasOperator": "modern",
    "WistiaPublishChannelEpisodeOperator": "modern",
    "WistiaExportAnalyticsOperator": "export_analytics",
    "WistiaBaseOperator": "base",
    "WistiaLinkedOperator": "base",
    "WistiaDeleteOperator": "base",
    "WistiaProjectOperator": "base",
    "WistiaMediaOperator": "base",
    "WistiaLink": "links",
}

__all__ = [
    "WistiaApiOperator",
    "WistiaArchiveMediasOperator",
    "WistiaBaseOperator",
    "WistiaCopyMediaOperator",
    "WistiaCopyMediasOperator",
    "WistiaCopyProjectOperator",
    "WistiaCreateCaptionsOperator",
    "WistiaCreateChannelEpisodeOperator",
    "WistiaCreateChannelOperator",
    "WistiaCreateProjectOperator",
    "WistiaCreateSharingOperator",
    "WistiaCreateSubfolderOperator",
    "WistiaCreateTagOperator",
    "WistiaCreateWebinarOperator",
    "WistiaDeleteCaptionsOperator",
    "WistiaDeleteCustomizationsOperator",
    "WistiaDeleteMediaOperator",
    "WistiaDeleteOperator",
    "WistiaDeleteProjectOperator",
    "WistiaDeleteSharingOperator",
    "WistiaDeleteWebinarOperator",
    "WistiaExportAnalyticsOperator",
    "WistiaExportDailyStatsOperator",
    "WistiaExportEventsOperator",
    "WistiaExportStatsOperator",
    "WistiaGetAccountOperator",
    "WistiaGetMediaEmbedOperator",
    "WistiaGetMediaOperator",
    "WistiaGetMediaStatsOperator",
    "WistiaGetProjectOperator",
    "WistiaGetSharingOperator",
    "WistiaImportMediaUrlOperator",
    "WistiaLink",
    "WistiaLinkedOperator",
    "WistiaListMediasOperator",
    "WistiaListProjectsOperator",
    "WistiaListSharingsOperator",
    "WistiaMediaOperator",
    "WistiaMoveMediasOperator",
    "WistiaOrderCaptionsOperator",
    "WistiaProjectOperator",
    "WistiaPublishChannelEpisodeOperator",
    "WistiaRegisterForWebinarOperator",
    "WistiaRestoreMediasOperator",
    "WistiaSwapMediaOperator",
    "WistiaTagMediasOperator",
    "WistiaTrimMediaOperator",
    "WistiaUpdateCaptionsOperator",
    "WistiaUpdateCustomizationsOperator",
    "WistiaUpdateMediaOperator",
    "WistiaUpdateProjectOperator",
    "WistiaUpdateSharingOperator",
    "WistiaUpdateWebinarOperator",
    "WistiaUploadMediaOperator",
]

if TYPE_CHECKING:
    from airflow_provider_wistia.operators.account import WistiaGetAccountOperator
    from airflow_provider_wistia.operators.api import (
        WistiaApiOperator,
    )
    from airflow_provider_wistia.operators.base import (
        WistiaBaseOperator,
        WistiaDeleteOperator,
        WistiaLinkedOperator,
        WistiaMediaOperator,
        WistiaProjectOperator,
    )
    from airflow_provider_wistia.operators.captions import (
        WistiaCreateCaptionsOperator,
        WistiaDeleteCaptionsOperator,
        WistiaOrderCaptionsOperator,
        WistiaUpdateCaptionsOperator,
    )
    from airflow_provider_wistia.operators.customizations import (
        WistiaDeleteCustomizationsOperator,
        WistiaUpdateCustomizationsOperator,
    )
    from airflow_provider_wistia.operators.export_analytics import WistiaExportAnalyticsOperator
    from airflow_provider_wistia.operators.exports import (
        WistiaExportDailyStatsOperator,
        WistiaExportEventsOperator,
    )
    from airflow_provider_wistia.operators.jobs import (
        WistiaArchiveMediasOperator,
        WistiaMoveMediasOperator,
        WistiaRestoreMediasOperator,
        WistiaSwapMediaOperator,
        WistiaTrimMediaOperator,
    )
    from airflow_provider_wistia.operators.library import (
        WistiaCreateChannelEpisodeOperator,
        WistiaCreateSubfolderOperator,
        WistiaCreateTagOperator,
    )
    from airflow_provider_wistia.operators.links import WistiaLink
    from airflow_provider_wistia.operators.medias import (
        WistiaCopyMediaOperator,
        WistiaDeleteMediaOperator,
        WistiaGetMediaEmbedOperator,
        WistiaGetMediaOperator,
        WistiaGetMediaStatsOperator,
        WistiaListMediasOperator,
        WistiaUpdateMediaOperator,
    )
    from airflow_provider_wistia.operators.modern import (
        WistiaCopyMediasOperator,
        WistiaCreateChannelOperator,
        WistiaCreateWebinarOperator,
        WistiaDeleteWebinarOperator,
        WistiaImportMediaUrlOperator,
        WistiaPublishChannelEpisodeOperator,
        WistiaRegisterForWebinarOperator,
        WistiaTagMediasOperator,
        WistiaUpdateWebinarOperator,
    )
    from airflow_provider_wistia.operators.projects import (
        WistiaCopyProjectOperator,
        WistiaCreateProjectOperator,
        WistiaDeleteProjectOperator,
        WistiaGetProjectOperator,
        WistiaListProjectsOperator,
        WistiaUpdateProjectOperator,
    )
    from airflow_provider_wistia.operators.sharings import (
        WistiaCreateSharingOperator,
        WistiaDeleteSharingOperator,
        WistiaGetSharingOperator,
        WistiaListSharingsOperator,
        WistiaUpdateSharingOperator,
    )
    from airflow_provider_wistia.operators.stats import WistiaExportStatsOperator
    from airflow_provider_wistia.operators.uploads import WistiaUploadMediaOperator


__getattr__, __dir__ = lazy_exports(__name__, _MODULE_OF)
