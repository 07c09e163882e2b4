//! The payloads of Orquestra's mutations.

use async_graphql::ID;

use super::{
    OrquestraApiKey, OrquestraIdlVersion, OrquestraKnownAddress, OrquestraProject,
    OrquestraProjectSocials,
};
use crate::inputs::payload;

payload!(
    /// The project created.
    OrquestraCreateProjectPayload {
        /// The new project.
        project: OrquestraProject,
    }
);
payload!(
    /// The project changed.
    OrquestraUpdateProjectPayload {
        /// The project as stored.
        project: OrquestraProject,
    }
);
payload!(
    /// The project deleted.
    OrquestraDeleteProjectPayload {
        /// The deleted project's id.
        deleted_id: ID,
    }
);
payload!(
    /// The new IDL version and its project.
    OrquestraUploadIdlPayload {
        /// The new version (`version` = the previous highest + 1).
        idl_version: OrquestraIdlVersion,
        /// The project (its `updatedAt` moved, its version count grew).
        project: OrquestraProject,
    }
);
payload!(
    /// A new API key: its row and, this once, the key itself.
    OrquestraCreateApiKeyPayload {
        /// The key's metadata.
        api_key: OrquestraApiKey,
        /// The key to send as `X-API-Key`. Shown only now: only its hash is stored.
        key: String,
    }
);
payload!(
    /// The API key revoked and its project.
    OrquestraRevokeApiKeyPayload {
        /// The revoked key's id.
        deleted_id: ID,
        /// The key's project (its key count changed).
        project: OrquestraProject,
    }
);
payload!(
    /// The project a valid API key authenticates.
    OrquestraVerifyApiKeyPayload {
        /// The key's project id.
        project_id: ID,
        /// The key's project.
        project: OrquestraProject,
    }
);
payload!(
    /// A project's social links as stored.
    OrquestraUpsertProjectSocialsPayload {
        /// The project's links.
        socials: OrquestraProjectSocials,
    }
);
payload!(
    /// The known address created.
    OrquestraCreateKnownAddressPayload {
        /// The new known address.
        known_address: OrquestraKnownAddress,
    }
);
payload!(
    /// The known address changed.
    OrquestraUpdateKnownAddressPayload {
        /// The known address as stored.
        known_address: OrquestraKnownAddress,
    }
);
payload!(
    /// The known address deleted and its project.
    OrquestraDeleteKnownAddressPayload {
        /// The deleted address's id.
        deleted_id: ID,
        /// Its project (its address count changed).
        project: OrquestraProject,
    }
);
payload!(
    /// The account deleted.
    OrquestraDeleteUserPayload {
        /// The deleted user's id.
        deleted_id: ID,
    }
);
